import type { ValidationIssue } from "./errors.js";
import type { SchemaRef } from "./operation.js";

/**
 * One problem a compiled validator found, in the shape Ajv reports it (generated validators are
 * Ajv's standalone code).
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

/**
 * The length of a string in Unicode code points, as JSON Schema's `minLength` and `maxLength`
 * count it (a surrogate pair is one character); compiled validators call it.
 */
export function ucs2length(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
