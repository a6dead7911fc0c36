import { createRequire } from "node:module";
import type { ApiModel } from "../model.js";
import { header } from "./ts.js";
import { ANNOTATIONS, onlyRef, runtimeImports, validatorNames } from "./validators.js";

const require = createRequire(import.meta.url);

/**
 * The runtime's replacements for the modules Ajv's standalone code requires: each `require(…)`
 * expression of the compiled code becomes an import of the named export of
 * `@trustspec/runtime/core`, so generated code depends on the runtime only, and only on what a
 * validator uses.
 */
const RUNTIME_IMPORTS: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': "ucs2length",
  'require("ajv/dist/runtime/equal").default': "deepEqual",
};

/** The runtime's export for each string format the specs use (ajv-formats' `full` mode). */
const FORMATS: Record<string, string> = {
  "date-time": "dateTimeFormat",
  uuid: "uuidFormat",
  uri: "uriFormat",
  int32: "int32Format",
  int64: "int64Format",
};

/**
 * `validators.gen.ts` as Ajv's standalone code generation writes it, with the settings the
 * runtime's schema validator uses (JSON Schema 2020-12, every error collected, union types, the
 * ajv-formats `full` formats): what the generator emitted before it compiled validators itself
 * ({@link emitValidators}), kept as the baseline the validators benchmark measures against.
 */
export function emitAjvValidators(model: ApiModel): string | undefined {
  const names = validatorNames(model);
  if (names.entries.length === 0) return undefined;
  const ajv = compiler();
  ajv.addSchema({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: model.bundleId,
    $defs: Object.fromEntries(model.schemas.map((s) => [s.name, withoutAnnotations(s.schema)])),
  });
  const refs: Record<string, string> = {};
  for (const [name, schema] of names.entries) {
    const ref = onlyRef(schema, model.bundleId);
    if (ref !== undefined) {
      refs[name] = `${model.bundleId}#/$defs/${ref}`;
    } else {
      const id = `${model.bundleId}:descriptor:${name}`;
      ajv.addSchema({ ...(withoutAnnotations(schema) as object), $id: id });
      refs[name] = id;
    }
  }
  const { default: standaloneCode } = require("ajv/dist/standalone/index.js") as {
    default: (ajv: unknown, refs: Record<string, string>) => string;
  };
  let code = standaloneCode(ajv, refs).replace(/^"use strict";/, "");
  const imports = new Set<string>();
  code = code.replace(/require\("[^"]+"\)(?:\.\w+)*(?:\["[^"]+"\])?/g, (expr) => {
    const format =
      /^require\("ajv-formats\/dist\/formats"\)\.fullFormats(?:\.(\w+)|\["([^"]+)"\])$/.exec(expr);
    const name = format ? FORMATS[format[1] ?? format[2]!] : RUNTIME_IMPORTS[expr];
    if (!name) throw new Error(`${model.source}: compiled validators need ${expr}`);
    imports.add(name);
    return name;
  });
  code = withoutEvaluated(code, model.source);
  // Where in the schema an error arose: the runtime reports where in the value, never this.
  code = code.replace(/schemaPath:"(?:[^"\\]|\\.)*",/g, "");
  // Unused regular expressions and validators must not stay in a bundle: marked pure.
  code = code.replace(/= new RegExp\(/g, "= /* @__PURE__ */ new RegExp(");
  code = code.replace(/export const (\w+) = (\w+);/g, "export const $1: CompiledSchema = $2;");
  return [
    header(model.source),
    "// @ts-nocheck: Ajv's standalone code, typed by its exports",
    "/** biome-ignore-all lint: Ajv's standalone code, compiled from the spec's schemas */",
    "",
    ...runtimeImports(["type CompiledSchema"], imports),
    "",
    code,
    "",
  ].join("\n");
}

/**
 * Ajv's 2020-12 code records, as `validateN.evaluated = {…}` statements, which properties each
 * validator evaluated, for `unevaluatedProperties` in a schema that refers to it, and each
 * validator starts by reading its own record. A statement at the top of a module keeps every
 * validator in a bundle, used or not: when no validator reads another's record (no schema uses
 * `unevaluated…`), each reads a fresh local record instead and the statements go.
 */
function withoutEvaluated(code: string, source: string): string {
  code = code.replace(
    /(function (validate\d+)\(data,[^)]*\)\{(?:(?!function ).){0,400}?)const (evaluated\d+) = \2\.evaluated;/g,
    "$1const $3 = {};",
  );
  const assignment = /validate\d+\.evaluated = /g;
  if (code.split(".evaluated").length - 1 !== (code.match(assignment)?.length ?? 0))
    throw new Error(`${source}: a validator reads another's evaluated properties`);
  let out = "";
  let at = 0;
  for (const m of code.matchAll(assignment)) {
    out += code.slice(at, m.index);
    let depth = 0;
    let i = m.index + m[0].length;
    for (; i < code.length; i++) {
      const c = code[i];
      if (c === "{") depth++;
      else if (c === "}") depth--;
      if (depth === 0 && c === ";") break;
    }
    at = i + 1;
  }
  return out + code.slice(at);
}

/** An Ajv instance with the runtime validator's settings, writing standalone ES module code. */
function compiler() {
  const { Ajv2020 } = require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const formats = require("ajv-formats") as { default: (ajv: unknown) => void };
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: true,
    allowUnionTypes: true,
    // A referenced schema is one function that every validator using it calls, not a copy in each.
    inlineRefs: false,
    code: { source: true, esm: true, lines: false },
  });
  formats.default(ajv);
  return ajv;
}

/** Keywords whose value maps names to schemas (the names are data, never annotations). */
const SCHEMA_MAPS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/** A schema without its annotations and vendor extensions (`x-…`), whose text would otherwise ship in every validator that quotes the schema. */
function withoutAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    if (key === "enum" || key === "const" || key === "default") out[key] = value;
    else if (SCHEMA_MAPS.has(key) && value && typeof value === "object")
      out[key] = Object.fromEntries(
        Object.entries(value).map(([n, s]) => [n, withoutAnnotations(s)]),
      );
    else out[key] = withoutAnnotations(value);
  }
  return out;
}
