/**
 * `operations-lite.gen.ts` and `client-lite.gen.ts`: the lite client has the main client's
 * operation functions, with the same names and types, over descriptors that carry no schema and no
 * validator, so that a bundle of one lite operation holds no validation code.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFiles } from "../src/generate.js";
import { readOpenApi } from "../src/input/openapi.js";

const fixtures = join(import.meta.dirname, "fixtures");
const cases = ["params", "responses", "union-body", "enums"];

/** The names a module exports as functions, in order. */
const functions = (text: string) => [...text.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);

describe.each(cases)("the lite client of the %s fixture", (name) => {
  const generated = async () =>
    generateFiles(
      await readOpenApi(join(fixtures, name, "openapi.yaml"), {
        name: "Fixture",
        source: `generators/codegen/test/fixtures/${name}/openapi.yaml`,
      }),
    );

  it("has descriptors without schemas, validators or response headers", async () => {
    const files = await generated();
    const lite = files.get("operations-lite.gen.ts")!;
    const full = files.get("operations.gen.ts")!;
    expect(lite).not.toMatch(/validators\.gen|validate:|schema:|headers:|discriminator:/);
    // The same operations, under the same export names.
    const exported = (text: string) =>
      [...text.matchAll(/^export const (\w+): OperationDescriptor/gm)].map((m) => m[1]);
    expect(exported(lite)).toEqual(exported(full).filter((n) => n !== "operationList"));
    expect(exported(lite).length).toBeGreaterThan(0);
  });

  it("has the main client's operation functions, with the same names and types, on the lite call", async () => {
    const files = await generated();
    const lite = files.get("client-lite.gen.ts")!;
    const full = files.get("client.gen.ts")!;
    const operations = functions(full).filter((n) => !/^is[A-Z]\w*Error$/.test(n!));
    expect(functions(lite)).toEqual(operations);
    expect(lite).toContain('import * as operations from "./operations-lite.gen.js";');
    expect(lite).not.toMatch(/operations\.gen\.js|validators\.gen|callOperation</);
    for (const op of operations.filter((n) => !n!.startsWith("create") && !n!.endsWith("Url"))) {
      const result = new RegExp(`export function ${op}\\([^)]*\\): Promise<(\\w+)>`);
      expect(lite.match(result)?.[1], op).toBe(full.match(result)?.[1]);
      expect(lite).toContain(`callLiteOperation<`);
    }
    // The guards are the main client's, re-exported.
    const shared = functions(full).filter((n) => /^is[A-Z]\w*Error$/.test(n!));
    for (const guard of shared) expect(lite).toMatch(new RegExp(`export \\{[^}]*\\b${guard}\\b`));
    // The URL builders are lite: the URL over the lite descriptor, unchecked.
    const urls = functions(full).filter((n) => /Url$/.test(n!));
    for (const url of urls) {
      expect(lite).toMatch(new RegExp(`export function ${url}\\(client: \\w+LiteClient`));
      expect(lite).not.toMatch(new RegExp(`export \\{[^}]*\\b${url}\\b`));
      expect(lite).toContain(`return liteOperationUrl(client, operations.${url!.slice(0, -3)},`);
    }
    if (name === "responses") expect(urls.length).toBeGreaterThan(0);
  });
});
