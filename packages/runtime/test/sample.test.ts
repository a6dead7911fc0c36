import { describe, expect, it } from "vitest";
import { SchemaValidator, sampleFromSchema } from "../src/index.js";
import { bundle } from "./fixtures.js";

const validator = new SchemaValidator(bundle);
const seeds = [1, 2, 3, 7, 42, 1234, 99_999];

describe("sampleFromSchema", () => {
  it("is deterministic for a seed", () => {
    for (const seed of seeds) {
      expect(sampleFromSchema(bundle, "Thing", seed)).toEqual(
        sampleFromSchema(bundle, "Thing", seed),
      );
    }
    expect(sampleFromSchema(bundle, "Thing")).toEqual(sampleFromSchema(bundle, "Thing", 1));
  });

  it("differs across seeds", () => {
    const a = sampleFromSchema(bundle, "Thing", 1) as Record<string, unknown>;
    const b = sampleFromSchema(bundle, "Thing", 2) as Record<string, unknown>;
    expect(a).not.toEqual(b);
    const distinct = new Set(
      seeds.map((s) => JSON.stringify(sampleFromSchema(bundle, "Thing", s))),
    );
    expect(distinct.size).toBe(seeds.length);
  });

  it("makes objects with nested $refs, arrays, enums, nullable unions and formats that validate", () => {
    for (const seed of seeds) {
      for (const name of ["Thing", "Owner", "NewThing", "Status", "Error"]) {
        const value = sampleFromSchema(bundle, name, seed);
        expect(validator.validate(name, value), `${name} seed ${seed}`).toEqual([]);
      }
    }
    const value = sampleFromSchema(bundle, "Thing", 5) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(["code", "id", "name", "owner", "status", "tags"]);
    expect(["active", "retired", "lost"]).toContain(value.status);
    expect(Array.isArray(value.tags)).toBe(true);
    const owner = value.owner as Record<string, unknown>;
    expect(owner.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(owner.since).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(owner.born).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Nullable unions get a non-null value.
    expect(typeof owner.nickname).toBe("string");
    expect(typeof owner.score).toBe("number");
  });

  it("accepts inline schemas and full pointers", () => {
    const list = { type: "array", items: { $ref: "urn:test:api#/$defs/Thing" } };
    for (const seed of seeds) {
      const value = sampleFromSchema(bundle, list, seed);
      expect(Array.isArray(value)).toBe(true);
      expect(validator.validate(list, value)).toEqual([]);
    }
    expect(sampleFromSchema(bundle, "urn:test:api#/$defs/Thing", 3)).toEqual(
      sampleFromSchema(bundle, "Thing", 3),
    );
  });

  it("uses `examples` over made-up values, so patterned strings stay valid", () => {
    const codes = new Set(
      seeds.map((s) => (sampleFromSchema(bundle, "Thing", s) as Record<string, unknown>).code),
    );
    for (const code of codes) expect(["ABC-1234", "XYZ-9876"]).toContain(code);
    expect(sampleFromSchema(bundle, { type: "integer", examples: [17] }, 9)).toBe(17);
    expect(sampleFromSchema(bundle, { type: "string", default: "d" }, 9)).toBe("d");
    expect(sampleFromSchema(bundle, { const: "fixed" }, 9)).toBe("fixed");
  });

  it("keeps to string and number bounds", () => {
    const schemas = [
      { type: "string", minLength: 20 },
      { type: "string", maxLength: 3 },
      { type: "string", minLength: 2, maxLength: 2 },
      { type: "integer", minimum: 5, maximum: 6 },
      { type: "integer", maximum: 0 },
      { type: "integer", minimum: -10, maximum: -5 },
      { type: "number", minimum: 0.5, maximum: 1.5 },
      { type: "string", format: "email" },
      { type: "string", format: "uri" },
      { type: "string", format: "ipv4" },
      { type: "boolean" },
    ];
    for (const schema of schemas) {
      for (const seed of seeds) {
        const value = sampleFromSchema(bundle, schema, seed);
        expect(validator.validate(schema, value), `${JSON.stringify(schema)} -> ${value}`).toEqual(
          [],
        );
      }
    }
  });

  it("keeps to array bounds", () => {
    const schemas = [
      { type: "array", items: { type: "integer" }, minItems: 4 },
      { type: "array", items: { type: "integer" }, maxItems: 1 },
      { type: "array", items: { type: "string" }, maxItems: 0 },
    ];
    for (const schema of schemas) {
      for (const seed of seeds) {
        const value = sampleFromSchema(bundle, schema, seed);
        expect(validator.validate(schema, value), JSON.stringify(value)).toEqual([]);
      }
    }
    expect(sampleFromSchema(bundle, schemas[0]!, 1)).toHaveLength(4);
  });

  it("merges allOf parts", () => {
    const schema = {
      allOf: [
        { $ref: "urn:test:api#/$defs/NewThing" },
        { type: "object", required: ["extra"], properties: { extra: { type: "boolean" } } },
      ],
    };
    const value = sampleFromSchema(bundle, schema, 4) as Record<string, unknown>;
    expect(typeof value.name).toBe("string");
    expect(typeof value.extra).toBe("boolean");
  });

  it("stops recursion in self-referencing schemas", () => {
    const tree = {
      $id: "urn:test:tree",
      $defs: {
        Node: {
          type: "object",
          properties: {
            label: { type: "string" },
            children: { type: "array", items: { $ref: "Node" } },
          },
        },
      },
    };
    const value = sampleFromSchema(tree, "Node", 1);
    expect(JSON.stringify(value).length).toBeGreaterThan(10);
  });

  it("throws for an unknown schema", () => {
    expect(() => sampleFromSchema(bundle, "Nope")).toThrow("unknown schema Nope");
  });
});

describe("allOf kept beside a description", () => {
  it("samples the referenced enum, not an empty object", async () => {
    const { sampleFromSchema: sampleIt } = await import("../src/sample.js");
    const bundle = {
      $id: "urn:test:allof",
      $defs: {
        Kind: { type: "string", enum: ["Virtual", "USB"] },
        Holder: {
          type: "object",
          properties: {
            Type: { allOf: [{ $ref: "urn:test:allof#/$defs/Kind" }], description: "kind" },
          },
        },
      },
    };
    const value = sampleIt(bundle, "Holder", 3) as { Type: unknown };
    expect(["Virtual", "USB"]).toContain(value.Type);
  });
});
