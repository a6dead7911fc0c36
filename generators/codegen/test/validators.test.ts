/**
 * `validators.gen.ts`: the generated checks against the runtime's Ajv validator, keyword by
 * keyword of the subset they support, on values that pass and values that fail; and the refusal
 * of a keyword outside it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type CompiledSchema,
  compiledIssues,
  type SchemaBundle,
  validatorFor,
} from "@trustspec/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { emitValidators } from "../src/emit/validators.js";
import { openApiToModel } from "../src/input/openapi.js";
import type { ApiModel } from "../src/model.js";

const tmp = join(import.meta.dirname, "../.tmp");
await mkdir(tmp, { recursive: true });
// Inside the package, so that the generated module resolves `@trustspec/runtime`.
const dir = await mkdtemp(join(tmp, "validators-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Schemas exercising each supported keyword, alone and combined. */
const schemas: Record<string, unknown> = {
  Text: { type: "string", minLength: 2, maxLength: 4, pattern: "^[a-z😀/]+$" },
  Count: { type: "integer", minimum: 1, maximum: 10, format: "int32" },
  Ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
  Stamp: { type: "string", format: "date-time" },
  Id: { type: "string", format: "uuid" },
  Link: { type: "string", format: "uri" },
  Colour: { type: "string", enum: ["red", "green"] },
  Level: { enum: [1, 2, "high", null] },
  Fixed: { const: "none" },
  Either: { type: ["string", "null"] },
  Nullable: { anyOf: [ref("Text"), { type: "null" }] },
  Union: { anyOf: [{ type: "integer", format: "int32" }, ref("Colour"), { type: "boolean" }] },
  Exactly: { oneOf: [{ type: "string" }, { type: "string", enum: ["a"] }, { type: "integer" }] },
  Grid: {
    type: "array",
    items: { type: "array", items: { anyOf: [ref("Count"), { type: "null" }] } },
  },
  Closed: {
    type: "object",
    required: ["a", "b/c"],
    properties: { a: ref("Text"), "b/c": { type: "boolean" } },
    additionalProperties: false,
  },
  Open: {
    type: "object",
    properties: { known: { type: "string" } },
    additionalProperties: { type: "integer" },
  },
  Record: {
    type: "object",
    propertyNames: { pattern: "^[0-9]+$" },
    unevaluatedProperties: ref("Colour"),
  },
  Keyed: { type: "object", propertyNames: ref("Colour") },
  Both: {
    type: "object",
    properties: { extra: { type: "integer" } },
    allOf: [ref("Closed")],
  },
  Tree: {
    type: "object",
    required: ["name"],
    properties: { name: { type: "string" }, children: { type: "array", items: ref("Tree") } },
  },
  Untyped: { properties: { a: { type: "string" } }, required: ["a"], minLength: 1 },
  Few: { type: "array", minItems: 1, maxItems: 2, items: ref("Count") },
  AtLeastTwo: { minItems: 2 },
  AtMostOne: { type: ["array", "string"], maxItems: 1 },
  // Extension keywords are annotations: Ajv, as the runtime configures it, ignores them.
  Annotated: {
    type: "object",
    "x-trustspec-enum": { name: "Code", values: [{ value: 1, name: "One" }] },
    properties: {
      code: { type: "integer", "x-trustspec-dictionary": { key: { type: "string" } } },
      note: { anyOf: [{ type: "string", "x-trustspec-doc": "a" }, { type: "null" }] },
    },
  },
};

/** Values that pass or fail the schemas above in every way they can. */
const values: unknown[] = [
  undefined,
  null,
  true,
  0,
  1,
  1.5,
  -3,
  11,
  2 ** 31,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  "",
  "a",
  "ab",
  "abcde",
  "😀😀",
  "😀😀😀😀😀",
  "a/b",
  "AB",
  "red",
  "blue",
  "a",
  "none",
  "high",
  "2024-02-29T10:00:00Z",
  "2023-02-29T10:00:00Z",
  "6a2f41a3-c54c-fce8-32d2-0324e1c32e22",
  "6a2f41a3",
  "https://example.org/x",
  "relative/path",
  [],
  [1],
  [1, 2, 3],
  [0, 11],
  ["a", "b"],
  { code: 1, note: null },
  { code: "x", note: 2 },
  [[1, null, 2], []],
  [[0, "x", 1.5], 3, null],
  {},
  { a: "ab", "b/c": true },
  { a: "ab", "b/c": true, extra: 1 },
  { a: "x", "b/c": "yes", more: 1, "t~x": 2 },
  { known: "k", other: 3, bad: "v" },
  { known: 1 },
  { "1": "red", "2": "green" },
  { "1": "red", x: "blue", "a/b": 1 },
  { red: 1, blue: 2 },
  { name: "root", children: [{ name: "leaf" }, { children: [{ name: 3 }] }] },
  { name: "root", children: "none" },
  { a: 1 },
];

function model(extra: Record<string, unknown> = {}): ApiModel {
  const all = { ...schemas, ...extra };
  const paths = Object.fromEntries(
    Object.keys(all).map((name) => [
      `/${name}`,
      {
        get: {
          operationId: `get${name}`,
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: ref(name) } },
            },
          },
        },
      },
    ]),
  );
  return openApiToModel(
    {
      openapi: "3.1.0",
      info: { title: "Keywords", version: "1.0.0" },
      paths,
      components: { schemas: all },
    },
    { name: "Keywords", source: "test/keywords.yaml" },
  );
}

describe("generated validators", () => {
  it("report what the runtime's Ajv validator reports, keyword by keyword", {
    timeout: 60_000,
  }, async () => {
    const api = model();
    const file = join(dir, "validators.gen.ts");
    await writeFile(file, emitValidators(api)!);
    const generated = (await import(file)) as Record<string, CompiledSchema>;
    const bundle: SchemaBundle = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: api.bundleId,
      $defs: Object.fromEntries(api.schemas.map((s) => [s.name, s.schema])),
    };
    const runtime = validatorFor(bundle);
    const text = (list: { path: string; message: string }[]) =>
      list.map((i) => `${i.path} ${i.message}`);
    let failing = 0;
    for (const name of Object.keys(schemas)) {
      const validate = generated[`validate${name}`];
      expect([name, typeof validate]).toEqual([name, "function"]);
      for (const value of values) {
        const theirs = text(runtime.validate(name, value));
        if (theirs.length > 0) failing++;
        expect([name, value, text(compiledIssues(validate!, value))]).toEqual([
          name,
          value,
          theirs,
        ]);
      }
    }
    expect(failing).toBeGreaterThan(values.length * 5);
  });

  it("are emitted for the named schemas the package's own code checks (the manifest's validators)", () => {
    const api = openApiToModel(
      {
        openapi: "3.1.0",
        info: { title: "Posts", version: "1.0.0" },
        paths: {},
        components: { schemas: { Post: schemas.Closed, Text: schemas.Text, Unused: {} } },
      },
      { name: "Posts", source: "test/posts.yaml" },
    );
    expect(emitValidators(api)).toBeUndefined();
    const text = emitValidators({ ...api, checkedSchemas: ["Post"] })!;
    expect(text.match(/^export const \w+/gm)).toEqual(["export const validatePost"]);
    expect(text).toContain("function checkText(");
  });

  it("refuse at generation a keyword they do not implement, naming the schema and the keyword", () => {
    expect(() =>
      emitValidators(model({ Pair: { type: "array", prefixItems: [{ type: "string" }] } })),
    ).toThrow('test/keywords.yaml: schema Pair: keyword "prefixItems" is not supported');
    expect(() => emitValidators(model({ Code: { type: "string", format: "email" } }))).toThrow(
      'schema Code: format "email" is not supported',
    );
    expect(() =>
      emitValidators(model({ Mixed: { allOf: [ref("Closed")], unevaluatedProperties: false } })),
    ).toThrow("schema Mixed: unevaluatedProperties beside allOf is not supported");
  });
});
