// The benchmark's types-only row: trustspec-codegen's own modules read an OpenAPI document and
// write only its types.gen.ts (emitted, formatted, written as the full run does), for a like-for-like
// comparison with openapi-typescript, which emits types only.
// Usage: node types-only.mjs <spec> <out dir> <TypeName>
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [spec, out, name] = process.argv.slice(2);
const dist = join(import.meta.dirname, "node_modules/@trustspec-private/codegen/dist");
const load = (module) => import(pathToFileURL(join(dist, module)).href);
const [{ readOpenApi }, { emitTypes }, { formatTypeScriptFiles }, { syncDirectory }] =
  await Promise.all([
    load("input/openapi.js"),
    load("emit/types.js"),
    load("format.js"),
    load("write.js"),
  ]);
const model = await readOpenApi(spec, { name, source: spec });
const files = formatTypeScriptFiles(new Map([["types.gen.ts", emitTypes(model)]]));
await syncDirectory(out, files, false);
