#!/usr/bin/env node
// Finishes the OpenAPI 3.0 document of a spec (openapi.3.0.yaml).
//
// Usage: node ../openapi-3.0.mjs openapi.3.0.yaml     (run from specs/<name>; rewrites the file)
//
// `tsp compile . --config tspconfig.openapi-3.0.yaml` emits the 3.0 document beside the 3.1 one
// (openapi.yaml) for tools that read OpenAPI 3.0 only, such as OpenAPI Generator. The emitter
// copies the keywords that the TypeSpec writes through `@extension` for OpenAPI 3.1 into the 3.0
// document unchanged, and OpenAPI 3.0 has none of them, so this step rewrites them:
//
// - a schema's `const` becomes a one-value `enum` (the same constraint in 3.0); where the schema
//   already has that one-value enum (every string literal does), `const` is simply dropped;
// - a schema's `propertyNames` (the keys a map allows) has no 3.0 equivalent: it is kept, unchecked,
//   as `x-propertyNames`;
// - the document's `webhooks` (requests the service sends, not serves) have no 3.0 equivalent:
//   they are kept as `x-webhooks`, the name documentation tools read for 3.0.
//
// Everything else, and the YAML layout the emitter uses, is left as emitted, so a document with
// none of these keywords is written back unchanged. ../check-openapi.mjs applies the same step
// before it compares the fresh document with the committed one.

import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The options @typespec/openapi3 serializes YAML with, so that unchanged parts stay byte-equal. */
const YAML_OPTIONS = {
  singleQuote: true,
  aliasDuplicateObjects: false,
  lineWidth: 0,
  compat: "yaml-1.1",
};

/** Keys whose values are data (examples, defaults, enum members), never schemas: not rewritten. */
const DATA_KEYS = new Set(["example", "examples", "default", "enum", "const"]);
/** Keys whose values map names to schemas (or to objects holding schemas). */
const NAME_MAPS = new Set([
  "properties",
  "schemas",
  "patternProperties",
  "paths",
  "responses",
  "parameters",
  "requestBodies",
  "headers",
  "content",
  "callbacks",
  "securitySchemes",
  "links",
  "encoding",
  "x-webhooks",
]);

/**
 * Rewrites, in place, the OpenAPI 3.1 keywords of an emitted 3.0 document (see above) and returns
 * it. Throws when a schema's `const` contradicts its `enum`.
 */
export function finishOpenApi30(document) {
  renameKey(document, "webhooks", "x-webhooks");
  visit(document, "#");
  return document;
}

function visit(node, path) {
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      visit(item, `${path}/${index}`);
    });
    return;
  }
  if (node === null || typeof node !== "object") return;
  rewriteSchemaKeywords(node, path);
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYS.has(key) || key === "x-propertyNames") continue;
    if (NAME_MAPS.has(key) && value !== null && typeof value === "object") {
      // Entries of a name map: a property named `const` is a schema, not the keyword.
      for (const [name, entry] of Object.entries(value)) visit(entry, `${path}/${key}/${name}`);
      continue;
    }
    visit(value, `${path}/${key}`);
  }
}

function rewriteSchemaKeywords(schema, path) {
  if (Object.hasOwn(schema, "const")) {
    const value = schema.const;
    if (schema.enum === undefined) {
      schema.enum = [value];
    } else if (!(schema.enum.length === 1 && sameValue(schema.enum[0], value))) {
      throw new Error(
        `${path}: const ${JSON.stringify(value)} contradicts enum ${JSON.stringify(schema.enum)}`,
      );
    }
    delete schema.const;
  }
  renameKey(schema, "propertyNames", "x-propertyNames");
}

/** Renames a key of an object in place, keeping its position among the other keys. */
function renameKey(object, from, to) {
  if (!Object.hasOwn(object, from)) return;
  const entries = Object.entries(object);
  for (const [key] of entries) delete object[key];
  for (const [key, value] of entries) object[key === from ? to : key] = value;
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Finishes the YAML text of an emitted 3.0 document. `yaml` is the YAML library that
 * @typespec/openapi3 writes with (see loadYaml).
 */
export function finishOpenApi30Text(text, yaml) {
  const document = yaml.parse(text);
  return yaml.stringify(finishOpenApi30(document), YAML_OPTIONS);
}

/** Loads the `yaml` library that @typespec/openapi3, as the spec package in `specDir` has it, uses. */
export async function loadYaml(specDir) {
  const requireFromSpec = createRequire(resolve(specDir, "package.json"));
  const requireFromEmitter = createRequire(requireFromSpec.resolve("@typespec/openapi3"));
  return import(pathToFileURL(requireFromEmitter.resolve("yaml")).href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node ../openapi-3.0.mjs <openapi.3.0.yaml>");
    process.exit(2);
  }
  const yaml = await loadYaml(process.cwd());
  const text = await readFile(file, "utf8");
  await writeFile(file, finishOpenApi30Text(text, yaml));
}
