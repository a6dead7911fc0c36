#!/usr/bin/env node
// Drift check for an emitted OpenAPI document.
//
// Usage: node ../check-openapi.mjs <spec folder>     (run from specs/<name>, folder ".")
//
// Compiles the folder's TypeSpec (main.tsp, with its own tspconfig.yaml) into a temporary
// directory, overriding only the OpenAPI emitter's output directory, and compares the emitted
// openapi.yaml byte for byte with the committed specs/<name>/openapi.yaml. Exits 1 with
// "specs/<name>/openapi.yaml is stale: run `pnpm generate`" on any difference (or when either file
// is missing), 2 when the TypeSpec does not compile, 0 when they are identical.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const EMITTER = "@typespec/openapi3";
const OUTPUT_FILE = "openapi.yaml";

const specDir = resolve(process.argv[2] ?? ".");
const name = basename(specDir);
const stale = `specs/${name}/${OUTPUT_FILE} is stale: run \`pnpm generate\``;

// Load the TypeSpec compiler the spec package itself depends on.
const requireFromSpec = createRequire(join(specDir, "package.json"));
const tsp = await import(pathToFileURL(requireFromSpec.resolve("@typespec/compiler")).href);

const outDir = await mkdtemp(join(tmpdir(), `trustspec-${name}-`));
let exitCode = 0;
try {
  const entrypoint = join(specDir, "main.tsp");
  const [options, configDiagnostics] = await tsp.resolveCompilerOptions(tsp.NodeHost, {
    entrypoint,
    cwd: specDir,
    overrides: { options: { [EMITTER]: { "emitter-output-dir": outDir } } },
  });
  const program = await tsp.compile(tsp.NodeHost, entrypoint, options);
  const diagnostics = [...configDiagnostics, ...program.diagnostics];
  if (diagnostics.length > 0) tsp.logDiagnostics(diagnostics, tsp.NodeHost.logSink);
  if (program.hasError() || configDiagnostics.some((d) => d.severity === "error")) {
    console.error(`specs/${name}: TypeSpec compilation failed`);
    exitCode = 2;
  } else {
    const fresh = await readOrNull(join(outDir, OUTPUT_FILE));
    const committed = await readOrNull(join(specDir, OUTPUT_FILE));
    if (fresh === null || committed === null || !fresh.equals(committed)) {
      console.error(stale);
      exitCode = 1;
    }
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
process.exit(exitCode);

/** The file's bytes, or null when it does not exist. */
async function readOrNull(file) {
  try {
    return await readFile(file);
  } catch (error) {
    if (error && error.code === "ENOENT") return null;
    throw error;
  }
}
