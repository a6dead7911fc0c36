#!/usr/bin/env node
// Runs OpenAPI Generator (@openapitools/openapi-generator-cli with the generator version and JAR
// that openapitools.json at the repository root pins) from the repository root, offline.
//
//   node examples/openapi-generator/src/openapi-generator.mjs generate \
//     -g java -i specs/licence/openapi.3.0.yaml -o clients/licence-java
//   node examples/openapi-generator/src/openapi-generator.mjs validate -i specs/suz/openapi.3.0.yaml
//
// Arguments go to the generator unchanged; relative paths in them are taken from the repository
// root. Feed it the specs' OpenAPI 3.0 documents (specs/<api>/openapi.3.0.yaml): this generator
// version does not read OpenAPI 3.1.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { configFile, ensureJar, repositoryRoot } from "./jar.mjs";

const require = createRequire(import.meta.url);
const wrapper = join(
  require.resolve("@openapitools/openapi-generator-cli/package.json"),
  "..",
  "main.js",
);

ensureJar();
const child = spawn(
  process.execPath,
  [wrapper, "--openapitools", configFile, ...process.argv.slice(2)],
  // The wrapper takes its working directory (and so storageDir) from PWD before process.cwd().
  { cwd: repositoryRoot, env: { ...process.env, PWD: repositoryRoot }, stdio: "inherit" },
);
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
