import type { ApiModel } from "../model.js";
import { header } from "./ts.js";

/** `schemas.gen.ts`: every named schema as one JSON Schema 2020-12 bundle for the validators. */
export function emitSchemas(model: ApiModel): string {
  const defs: Record<string, unknown> = {};
  for (const s of model.schemas) defs[s.name] = s.schema;
  const bundle = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: model.bundleId,
    $defs: defs,
  };
  return [
    header(model.source),
    'import type { SchemaBundle } from "@trustspec/runtime/core";',
    "",
    "/** The JSON Schemas of this API, one per named type, as the validators read them. */",
    `export const schemas: SchemaBundle = ${JSON.stringify(bundle, null, 2)};`,
    "",
  ].join("\n");
}
