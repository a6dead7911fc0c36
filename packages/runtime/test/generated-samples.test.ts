import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { OperationDescriptor, SchemaBundle } from "../src/index.js";
import type { SoapServiceDescriptor } from "../src/soap.js";
import { SchemaValidator } from "../src/validation.js";

// Every generated package's mocks answer every operation, by default, with a value made from the
// schema: that value must pass the package's own validation, whatever the schema's depth.
const packages = join(dirname(fileURLToPath(import.meta.url)), "../..");

function generatedDirs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!statSync(path).isDirectory() || name === "node_modules") continue;
    if (name === "generated" || dir.includes("/generated")) {
      try {
        if (statSync(join(path, "msw.gen.ts")).isFile()) out.push(path);
      } catch {}
    }
    if (name === "generated" || name === "src" || dir === packages || dir.endsWith("/generated"))
      out.push(...generatedDirs(path));
  }
  return out;
}

const dirs = generatedDirs(packages).sort();

type Module = Record<string, unknown>;
const load = (dir: string, file: string): Promise<Module> =>
  import(pathToFileURL(join(dir, file)).href) as Promise<Module>;

describe("default mock answers of the generated packages", () => {
  it("finds the generated packages, the Sign Service's among them", () => {
    const names = dirs.map((d) => relative(packages, d));
    expect(names).toEqual(
      expect.arrayContaining([
        "licence/src/generated",
        "suz/src/generated",
        "dss-ums/src/generated/ums",
        "dss-notification/src/generated",
        "dss/src/generated/signserver",
        "dss/src/generated/signservice",
      ]),
    );
  });

  it.each(dirs.map((d) => [relative(packages, d), d]))("%s", async (_name, dir) => {
    const mocks = await load(dir, "msw.gen.ts");
    const { schemas } = (await load(dir, "schemas.gen.ts")) as { schemas: SchemaBundle };
    const validator = new SchemaValidator(schemas);
    const factory = Object.entries(mocks).find(
      ([k, v]) => /^default\w+Handlers$/.test(k) && typeof v === "function",
    )?.[1] as ((seed?: number) => Record<string, (ctx: unknown) => unknown>) | undefined;
    expect(factory).toBeDefined();
    const failures: string[] = [];
    let checked = 0;
    for (const seed of [1, 7]) {
      const handlers = factory!(seed);
      let soap: SoapServiceDescriptor | undefined;
      try {
        soap = ((await load(dir, "soap.gen.ts")) as { service: SoapServiceDescriptor }).service;
      } catch {}
      if (soap) {
        for (const op of Object.values(soap.operations)) {
          const answer = await handlers[op.name]!({ operation: op.name, message: {} });
          if (!op.output?.schema) continue;
          const issues = validator.validate(op.output.schema, answer);
          checked++;
          if (issues.length) failures.push(`${op.name}: ${JSON.stringify(issues.slice(0, 3))}`);
        }
        continue;
      }
      const { operationList } = (await load(dir, "operations.gen.ts")) as {
        operationList: readonly OperationDescriptor[];
      };
      for (const op of operationList) {
        const handler = handlers[op.operationId];
        if (!handler) continue;
        const answer = (await handler({ params: {}, query: {}, headers: {}, body: undefined })) as {
          status: number;
          body?: unknown;
        };
        const schema = op.responses[String(answer.status)]?.schema;
        if (!schema) continue;
        const issues = validator.validate(schema, answer.body);
        checked++;
        if (issues.length)
          failures.push(`${op.operationId}: ${JSON.stringify(issues.slice(0, 3))}`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});
