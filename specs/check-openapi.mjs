#!/usr/bin/env node
// Drift check for the emitted OpenAPI documents of a spec.
//
// Usage: node ../check-openapi.mjs <spec folder>     (run from specs/<name>, folder ".")
//
// Compiles the folder's TypeSpec (main.tsp) once per document, with the config that emits it,
// into a temporary directory (overriding only the OpenAPI emitter's output directory), and
// compares each fresh document byte for byte with the committed one:
//
// - tspconfig.yaml               -> openapi.yaml      (OpenAPI 3.1.0)
// - tspconfig.openapi-3.0.yaml   -> openapi.3.0.yaml  (OpenAPI 3.0.0, finished by ./openapi-3.0.mjs)
//
// Exits 1 with "specs/<name>/<file> is stale: run `npx -y pnpm@10.34.9 generate`" on any difference (or when
// either file is missing), 2 when the TypeSpec does not compile, 0 when all are identical.

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { finishOpenApi30Text, loadYaml } from "./openapi-3.0.mjs";

const EMITTER = "@typespec/openapi3";
/** The documents of a spec: the config that emits each, its file, and the step that finishes it. */
const DOCUMENTS = [
  { config: "tspconfig.yaml", file: "openapi.yaml" },
  { config: "tspconfig.openapi-3.0.yaml", file: "openapi.3.0.yaml", finish: finishOpenApi30Text },
];

const specDir = resolve(process.argv[2] ?? ".");
const name = basename(specDir);

// Load the TypeSpec compiler the spec package itself depends on.
const requireFromSpec = createRequire(join(specDir, "package.json"));
const tsp = await import(pathToFileURL(requireFromSpec.resolve("@typespec/compiler")).href);
const yaml = await loadYaml(specDir);

let exitCode = 0;
for (const document of DOCUMENTS) {
  const code = await check(document);
  if (code === 2 || exitCode === 0) exitCode = code;
  if (code === 2) break;
}
process.exit(exitCode);

/** Compiles with one config and compares its document; returns the exit code for it. */
async function check({ config, file, finish }) {
  const outDir = await mkdtemp(join(tmpdir(), `trustspec-${name}-`));
  try {
    const entrypoint = join(specDir, "main.tsp");
    const [options, configDiagnostics] = await tsp.resolveCompilerOptions(tsp.NodeHost, {
      entrypoint,
      configPath: join(specDir, config),
      cwd: specDir,
      overrides: { options: { [EMITTER]: { "emitter-output-dir": outDir } } },
    });
    const program = await tsp.compile(tsp.NodeHost, entrypoint, options);
    const diagnostics = [...configDiagnostics, ...program.diagnostics];
    if (diagnostics.length > 0) tsp.logDiagnostics(diagnostics, tsp.NodeHost.logSink);
    if (program.hasError() || configDiagnostics.some((d) => d.severity === "error")) {
      console.error(`specs/${name}: TypeSpec compilation with ${config} failed`);
      return 2;
    }
    let fresh = await readOrNull(join(outDir, file));
    if (fresh !== null && finish) fresh = Buffer.from(finish(fresh.toString("utf8"), yaml));
    const committed = await readOrNull(join(specDir, file));
    if (fresh === null || committed === null || !fresh.equals(committed)) {
      console.error(`specs/${name}/${file} is stale: run \`npx -y pnpm@10.34.9 generate\``);
      return 1;
    }
    return 0;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The file's bytes, or null when it does not exist. */
async function readOrNull(file) {
  try {
    return await readFile(file);
  } catch (error) {
    if (error && error.code === "ENOENT") return null;
    throw error;
  }
}
