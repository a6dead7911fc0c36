import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { coerceScalar, isIdempotent, SchemaValidator } from "../src/index.js";
import { bundle, thing } from "./fixtures.js";

describe("SchemaValidator", () => {
  const validator = new SchemaValidator(bundle);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("accepts a conforming value", () => {
    expect(validator.validate("Thing", thing())).toEqual([]);
  });

  it("reports issue paths as JSON pointers into the value", () => {
    const value = thing();
    (value.owner as Record<string, unknown>).since = "yesterday";
    (value.tags as unknown[]).push(7);
    value.id = 0;
    const issues = validator.validate("Thing", value);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "/id", message: "must be >= 1" },
        { path: "/owner/since", message: 'must match format "date-time"' },
        { path: "/tags/1", message: "must be string" },
      ]),
    );
    expect(issues).toHaveLength(3);
    for (const issue of issues) expect(issue.path).toMatch(/^(\/[^/]+)+$/);
  });

  it("reports a root issue with an empty path", () => {
    expect(validator.validate("Thing", "nope")).toEqual([{ path: "", message: "must be object" }]);
  });

  it("lists the allowed values in an enum message", () => {
    expect(validator.validate("Status", "gone")).toEqual([
      { path: "", message: 'must be one of "active", "retired", "lost"' },
    ]);
    const value = { ...thing(), status: "broken" };
    expect(validator.validate("Thing", value)).toEqual([
      { path: "/status", message: 'must be one of "active", "retired", "lost"' },
    ]);
  });

  it("names an unknown property", () => {
    expect(validator.validate("NewThing", { name: "x", colour: "red" })).toEqual([
      { path: "", message: 'has unknown property "colour"' },
    ]);
  });

  it("checks the formats uuid, date-time and date", () => {
    const owner = (over: Record<string, unknown>) => ({
      ...(thing().owner as Record<string, unknown>),
      ...over,
    });
    expect(validator.validate("Owner", owner({}))).toEqual([]);
    expect(validator.validate("Owner", owner({ uuid: "not-a-uuid" }))[0]?.path).toBe("/uuid");
    expect(validator.validate("Owner", owner({ born: "1990-13-40" }))[0]?.path).toBe("/born");
    expect(validator.validate("Owner", owner({ since: "2024-01-02" }))[0]?.path).toBe("/since");
  });

  it("accepts a name, a full pointer into the bundle, and a relative pointer", () => {
    const broken = { name: 1 };
    expect(validator.validate("NewThing", broken)).toHaveLength(1);
    expect(validator.validate("urn:test:api#/$defs/NewThing", broken)).toHaveLength(1);
    expect(validator.validate("urn:test:api#/$defs/NewThing", { name: "ok" })).toEqual([]);
  });

  it("throws for an unknown schema name", () => {
    expect(() => validator.validate("Nope", {})).toThrow("unknown schema Nope");
  });

  it("has() tells whether the bundle defines a name", () => {
    expect(validator.has("Thing")).toBe(true);
    expect(validator.has("Nope")).toBe(false);
  });

  it("validates inline schema objects that $ref into the bundle", () => {
    const list = { type: "array", items: { $ref: "urn:test:api#/$defs/Thing" } };
    expect(validator.validate(list, [thing(1), thing(2)])).toEqual([]);
    const issues = validator.validate(list, [thing(1), { ...thing(2), status: "x" }]);
    expect(issues).toEqual([
      { path: "/1/status", message: 'must be one of "active", "retired", "lost"' },
    ]);
    expect(validator.validate({ type: "integer", minimum: 3 }, 2)).toEqual([
      { path: "", message: "must be >= 3" },
    ]);
  });

  it("compiles each inline schema object once and each named schema once", () => {
    const fresh = new SchemaValidator(bundle);
    const compile = vi.spyOn(Ajv2020.prototype, "compile");
    const getSchema = vi.spyOn(Ajv2020.prototype, "getSchema");
    const inline = { type: "object", properties: { t: { $ref: "urn:test:api#/$defs/Status" } } };
    for (let i = 0; i < 5; i++) {
      expect(fresh.validate(inline, { t: "active" })).toEqual([]);
      expect(fresh.validate(inline, { t: "nope" })).toHaveLength(1);
    }
    // Once for the fast check, once for the detailed report the first failure needs.
    expect(compile).toHaveBeenCalledTimes(2);
    // An equal but distinct object is compiled on its own (a conforming value: fast check only).
    fresh.validate({ ...inline }, { t: "active" });
    expect(compile).toHaveBeenCalledTimes(3);

    getSchema.mockClear();
    for (let i = 0; i < 3; i++) fresh.validate("Thing", thing());
    const lookups = getSchema.mock.calls.filter(([key]) => key === "urn:test:api#/$defs/Thing");
    expect(lookups).toHaveLength(1);
  });

  it("validates nullable unions written as anyOf and as a type list", () => {
    const owner = thing().owner as Record<string, unknown>;
    expect(validator.validate("Owner", { ...owner, nickname: "ace", score: null })).toEqual([]);
    expect(validator.validate("Owner", { ...owner, nickname: 5 })).not.toEqual([]);
    expect(validator.validate("Owner", { ...owner, score: "high" })[0]?.path).toBe("/score");
  });
});

describe("operation helpers", () => {
  it("isIdempotent: POST and PATCH are not", () => {
    expect(isIdempotent("GET")).toBe(true);
    expect(isIdempotent("PUT")).toBe(true);
    expect(isIdempotent("DELETE")).toBe(true);
    expect(isIdempotent("HEAD")).toBe(true);
    expect(isIdempotent("OPTIONS")).toBe(true);
    expect(isIdempotent("POST")).toBe(false);
    expect(isIdempotent("PATCH")).toBe(false);
  });

  it("coerceScalar converts what it can and keeps the rest as text", () => {
    expect(coerceScalar("42", "integer")).toBe(42);
    expect(coerceScalar("-7", "integer")).toBe(-7);
    expect(coerceScalar("4.2", "integer")).toBe("4.2");
    expect(coerceScalar("abc", "integer")).toBe("abc");
    expect(coerceScalar("4.5", "number")).toBe(4.5);
    expect(coerceScalar("1e3", "number")).toBe(1000);
    expect(coerceScalar("", "number")).toBe("");
    expect(coerceScalar(" ", "number")).toBe(" ");
    expect(coerceScalar("Infinity", "number")).toBe("Infinity");
    expect(coerceScalar("true", "boolean")).toBe(true);
    expect(coerceScalar("false", "boolean")).toBe(false);
    expect(coerceScalar("yes", "boolean")).toBe("yes");
    expect(coerceScalar("007", "string")).toBe("007");
  });
});
