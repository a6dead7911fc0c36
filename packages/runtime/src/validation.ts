/**
 * Schemas checked at run time: Ajv compiles a schema bundle's schemas on first use. Only the
 * root entry (`@trustspec/runtime`) and the server entry import this module; `@trustspec/runtime/core`,
 * which generated clients import, does not, so loading a client loads no schema compiler.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { type SchemaCheck, toIssue } from "./compiled.js";
import type { ValidationIssue } from "./errors.js";
import type { SchemaRef } from "./operation.js";
import type { SchemaBundle } from "./validation-types.js";

// ajv-formats is CommonJS with a default export; normalise both module shapes.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * Compiles schemas of one bundle on first use and caches the compiled functions.
 * A `ref` is either a schema name from the bundle or a full `$ref`-style pointer.
 */
export class SchemaValidator implements SchemaCheck {
  readonly #bundle: SchemaBundle;
  /** Stops at the first problem: the fast path for values that conform. */
  readonly #fast: Engine;
  /** Collects every problem; compiled only once a value fails. */
  #full: Engine | undefined;

  constructor(bundle: SchemaBundle) {
    this.#bundle = bundle;
    this.#fast = new Engine(bundle, false);
  }

  /** Validates a value against a named schema; returns the issues (empty when it conforms). */
  validate(ref: SchemaRef, value: unknown): ValidationIssue[] {
    if (this.#fast.get(ref)(value)) return [];
    this.#full ??= new Engine(this.#bundle, true);
    const fn = this.#full.get(ref);
    fn(value);
    return (fn.errors ?? []).map(toIssue);
  }

  /** Whether the bundle defines a schema of that name. */
  has(ref: string): boolean {
    return ref in this.#bundle.$defs;
  }
}

/** One ajv instance over the bundle, with its compiled functions cached by name or by schema object. */
class Engine {
  readonly #ajv: Ajv2020;
  readonly #bundle: SchemaBundle;
  readonly #cache = new Map<string, ValidateFunction>();
  readonly #inline = new WeakMap<object, ValidateFunction>();

  constructor(bundle: SchemaBundle, allErrors: boolean) {
    this.#bundle = bundle;
    this.#ajv = new Ajv2020({
      strict: false,
      allErrors,
      validateFormats: true,
      // Vendor extensions (x-trustspec-*) stay in the schemas; ajv ignores unknown keywords.
      allowUnionTypes: true,
    });
    addFormats(this.#ajv);
    this.#ajv.addSchema(bundle as object);
  }

  get(ref: SchemaRef): ValidateFunction {
    if (typeof ref !== "string") {
      let fn = this.#inline.get(ref);
      if (!fn) {
        fn = this.#ajv.compile(ref);
        this.#inline.set(ref, fn);
      }
      return fn;
    }
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

const validators = new WeakMap<SchemaBundle, SchemaValidator>();

/** One validator per schema bundle, shared by every client and server stub of that API. */
export function validatorFor(bundle: SchemaBundle): SchemaValidator {
  let v = validators.get(bundle);
  if (!v) {
    v = new SchemaValidator(bundle);
    validators.set(bundle, v);
  }
  return v;
}
