import type { ValidationIssue } from "./errors.js";
import type { SchemaRef } from "./operation.js";

/**
 * One problem a compiled validator found, in the shape Ajv reports it (the generated validators
 * report what Ajv's would, with the same paths and messages).
 */
export interface CompiledSchemaError {
  /** JSON Pointer to the failing part of the value (`""` for the value itself). */
  instancePath: string;
  /** The schema keyword that failed (`type`, `required`, `enum`, …). */
  keyword: string;
  /** The keyword's details, e.g. `allowedValues` of an `enum`. */
  params: Record<string, unknown>;
  /** What is wrong, in words. */
  message?: string;
}

/**
 * A validator compiled from one schema when the code was generated: `true` when the value
 * conforms; otherwise `errors` holds every problem. Importing one carries no schema compiler.
 */
export interface CompiledSchema {
  /** Checks a value; `true` when it conforms. */
  (value: unknown): boolean;
  /** The problems of the last run that failed; `null` after one that passed. */
  errors?: readonly CompiledSchemaError[] | null;
}

/** Checks a value against a schema by name or inline schema: a schema bundle's validator. */
export interface SchemaCheck {
  /** Validates a value against a schema; returns the issues (empty when it conforms). */
  validate(ref: SchemaRef, value: unknown): ValidationIssue[];
  /** Whether the checker knows a schema of that name. */
  has(ref: string): boolean;
}

/** A part of a descriptor that carries a schema and, when generated, its compiled validator. */
export interface SchemaHolder {
  /** The schema: a name in the API's bundle or an inline JSON Schema. */
  schema?: SchemaRef;
  /** The schema's validator, compiled when the descriptor was generated. */
  validate?: CompiledSchema;
}

/** The issues of a compiled validator's last failed run, as the runtime reports them. */
export function compiledIssues(fn: CompiledSchema, value: unknown): ValidationIssue[] {
  if (fn(value)) return [];
  return (fn.errors ?? []).map(toIssue);
}

/**
 * Checks `value` against a descriptor's schema: with its compiled validator when it has one,
 * otherwise with `fallback` (a schema bundle's validator); no schema, no issues.
 */
export function checkSchema(
  holder: SchemaHolder,
  value: unknown,
  fallback: SchemaCheck | undefined,
): ValidationIssue[] {
  if (holder.validate) return compiledIssues(holder.validate, value);
  if (holder.schema === undefined) return [];
  if (!fallback) {
    const name = typeof holder.schema === "string" ? holder.schema : JSON.stringify(holder.schema);
    throw new Error(`no compiled validator and no schema bundle for ${name}`);
  }
  return fallback.validate(holder.schema, value);
}

/** An Ajv error as a validation issue: the instance path and a message. */
export function toIssue(e: CompiledSchemaError): ValidationIssue {
  let message = e.message ?? "is invalid";
  if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) {
    message = `must be one of ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
  } else if (e.keyword === "additionalProperties") {
    message = `has unknown property ${JSON.stringify(e.params.additionalProperty)}`;
  }
  return { path: e.instancePath, message };
}

/** The problems a compiled check found, in the order it found them. */
export type CompiledProblems = CompiledSchemaError[];

/**
 * A check generated from one schema: adds to `problems` what is wrong with `value`, which sits at
 * `path` (a JSON Pointer) in the value validated; adds nothing when it conforms.
 */
export type CompiledCheck = (value: unknown, path: string, problems: CompiledProblems) => void;

/** Problems of the run under way; copied out only when a value fails. */
const found: CompiledProblems = [];

/** A generated check as a {@link CompiledSchema}; generated `validators.gen.ts` files call it. */
export function compiled(check: CompiledCheck): CompiledSchema {
  const validate: CompiledSchema = (value) => {
    found.length = 0;
    check(value, "", found);
    validate.errors = found.length === 0 ? null : found.slice();
    found.length = 0;
    return validate.errors === null;
  };
  return validate;
}

/** Adds one problem: where in the value, the keyword that failed, its details and the message. */
export function problem(
  problems: CompiledProblems,
  path: string,
  keyword: string,
  params: Record<string, unknown>,
  message: string,
): void {
  problems.push({ instancePath: path, keyword, params, message });
}

/** Adds a `type` problem: the value is not of `type` (one JSON type or several). */
export function typeProblem(
  problems: CompiledProblems,
  path: string,
  type: string | readonly string[],
): void {
  problem(problems, path, "type", { type }, `must be ${type}`);
}

/** Adds a `required` problem: the object lacks property `name`. */
export function requiredProblem(problems: CompiledProblems, path: string, name: string): void {
  problem(
    problems,
    path,
    "required",
    { missingProperty: name },
    `must have required property '${name}'`,
  );
}

/** Adds an `enum` problem: the value is none of `allowed`. */
export function enumProblem(
  problems: CompiledProblems,
  path: string,
  allowed: readonly unknown[],
): void {
  problem(
    problems,
    path,
    "enum",
    { allowedValues: allowed },
    "must be equal to one of the allowed values",
  );
}

/** Adds a `format` problem: the string or number is not in `format`. */
export function formatProblem(problems: CompiledProblems, path: string, format: string): void {
  problem(problems, path, "format", { format }, `must match format "${format}"`);
}

/** Adds a `pattern` problem: the string does not match `pattern`. */
export function patternProblem(problems: CompiledProblems, path: string, pattern: string): void {
  problem(problems, path, "pattern", { pattern }, `must match pattern "${pattern}"`);
}

/**
 * Adds a number bound problem: `maximum`, `minimum`, `exclusiveMaximum` or `exclusiveMinimum`
 * failed; the value must be `comparison` (`<=`, `>=`, `<`, `>`) `limit`.
 */
export function limitProblem(
  problems: CompiledProblems,
  path: string,
  keyword: string,
  comparison: string,
  limit: number,
): void {
  problem(problems, path, keyword, { comparison, limit }, `must be ${comparison} ${limit}`);
}

/**
 * Adds a size problem: `maxLength` or `minLength` (characters of a string), `maxItems` or
 * `minItems` (items of an array) failed against `limit`.
 */
export function sizeProblem(
  problems: CompiledProblems,
  path: string,
  keyword: "maxLength" | "minLength" | "maxItems" | "minItems",
  limit: number,
): void {
  const words = keyword.startsWith("max") ? "more" : "fewer";
  const unit = keyword.endsWith("Length") ? "characters" : "items";
  problem(problems, path, keyword, { limit }, `must NOT have ${words} than ${limit} ${unit}`);
}

/** Adds an `anyOf` problem: the value matches none of the schemas (their problems precede it). */
export function anyOfProblem(problems: CompiledProblems, path: string): void {
  problem(problems, path, "anyOf", {}, "must match a schema in anyOf");
}

/** Adds a `propertyNames` problem: the object has a property whose name breaks the schema for names. */
export function propertyNameProblem(
  problems: CompiledProblems,
  path: string,
  propertyName: string,
): void {
  problem(problems, path, "propertyNames", { propertyName }, "property name must be valid");
}

/** A property name as the next step of a JSON Pointer (`/` and `~` escaped). */
export function pointerStep(name: string): string {
  return `/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/**
 * The length of a string in Unicode code points, as JSON Schema's `minLength` and `maxLength`
 * count it (a surrogate pair is one character); compiled validators call it.
 */
export function ucs2length(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
