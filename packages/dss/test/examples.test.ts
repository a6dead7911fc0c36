import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SchemaValidator } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { schemas } from "../src/generated/signserver/schemas.gen.js";

/**
 * The example corpus of the Signature Service spec: every request and response example the DSS
 * documents print validates against the schema its index entry names (a component schema, or a
 * JSON pointer into openapi.yaml), and every repaired example keeps its verbatim text beside it.
 */
const dir = join(import.meta.dirname, "..", "..", "..", "specs", "dss-signserver", "examples");
const openapi = parse(readFileSync(join(dir, "..", "openapi.yaml"), "utf8")) as Record<
  string,
  unknown
>;
const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as {
  file: string;
  schema: string | null;
  defect?: string;
  raw?: string;
}[];
const validator = new SchemaValidator(schemas);

function schemaAt(pointer: string): Record<string, unknown> {
  let node: unknown = openapi;
  for (const part of pointer.slice(2).split("/")) {
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  // Component references point into the validator's bundle.
  return JSON.parse(
    JSON.stringify(node).replace(/"#\/components\/schemas\//g, `"${schemas.$id}#/$defs/`),
  ) as Record<string, unknown>;
}

describe("DSS Signature Service example corpus", () => {
  it("indexes every example file exactly once", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "index.json");
    expect(index.map((e) => e.file).sort()).toEqual(files.sort());
  });

  it.each(index.filter((e) => e.schema).map((e) => [e.file, e] as const))(
    "%s validates",
    (_f, entry) => {
      const value = JSON.parse(readFileSync(join(dir, entry.file), "utf8"));
      const schema = entry.schema!.startsWith("#/") ? schemaAt(entry.schema!) : entry.schema!;
      expect(validator.validate(schema, value)).toEqual([]);
    },
  );

  it.each(index.filter((e) => e.defect).map((e) => [e.file, e] as const))(
    "%s: the repaired defect is real (verbatim text kept and not the same JSON)",
    (_f, entry) => {
      expect(entry.raw, "a repaired example keeps its verbatim text").toBeTruthy();
      const raw = readFileSync(join(dir, entry.raw!), "utf8");
      const repaired = JSON.parse(readFileSync(join(dir, entry.file), "utf8"));
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = Symbol("unparseable");
      }
      expect(parsed).not.toEqual(repaired);
    },
  );
});
