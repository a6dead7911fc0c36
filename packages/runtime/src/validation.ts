import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ValidationIssue } from "./errors.js";
import type { SchemaRef } from "./operation.js";

/**
 * What to do when a request or response does not match the contract:
 * `strict` throws a ValidationError, `report` hands it to a callback and goes on, `off` skips
 * the check (and its cost).
 */
export type ValidationPolicy = "strict" | "report" | "off";

/** A JSON Schema 2020-12 document holding every schema of one API under `$defs`. */
export interface SchemaBundle {
  $schema?: string;
  $id: string;
  $defs: Record<string, unknown>;
}

// ajv-formats is CommonJS with a default export; normalise both module shapes.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * Compiles schemas of one bundle on first use and caches the compiled functions.
 * A `ref` is either a schema name from the bundle or a full `$ref`-style pointer.
 */
export class SchemaValidator {
  readonly #ajv: Ajv2020;
  readonly #bundle: SchemaBundle;
  readonly #cache = new Map<string, ValidateFunction>();
  readonly #inline = new WeakMap<object, ValidateFunction>();

  constructor(bundle: SchemaBundle) {
    this.#bundle = bundle;
    this.#ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      validateFormats: true,
      // Vendor extensions (x-trustspec-*) stay in the schemas; ajv ignores unknown keywords.
      allowUnionTypes: true,
    });
    addFormats(this.#ajv);
    this.#ajv.addSchema(bundle as object);
  }

  /** Validates a value against a named schema; returns the issues (empty when it conforms). */
  validate(ref: SchemaRef, value: unknown): ValidationIssue[] {
    const fn = typeof ref === "string" ? this.#compile(ref) : this.#compileInline(ref);
    if (fn(value)) return [];
    return (fn.errors ?? []).map(toIssue);
  }

  has(ref: string): boolean {
    return ref in this.#bundle.$defs;
  }

  #compileInline(schema: Record<string, unknown>): ValidateFunction {
    let fn = this.#inline.get(schema);
    if (!fn) {
      fn = this.#ajv.compile(schema);
      this.#inline.set(schema, fn);
    }
    return fn;
  }

  #compile(ref: string): ValidateFunction {
    let fn = this.#cache.get(ref);
    if (!fn) {
      const pointer = ref.includes("#") ? ref : `${this.#bundle.$id}#/$defs/${ref}`;
      const compiled = this.#ajv.getSchema(pointer);
      if (!compiled) throw new Error(`unknown schema ${ref}`);
      fn = compiled;
      this.#cache.set(ref, fn);
    }
    return fn;
  }
}

function toIssue(e: ErrorObject): ValidationIssue {
  let message = e.message ?? "is invalid";
  if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) {
    message = `must be one of ${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
  } else if (e.keyword === "additionalProperties") {
    message = `has unknown property ${JSON.stringify(e.params.additionalProperty)}`;
  }
  return { path: e.instancePath, message };
}
