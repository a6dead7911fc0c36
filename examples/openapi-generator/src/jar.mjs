// Puts the OpenAPI Generator JAR where openapitools.json (at the repository root) tells
// @openapitools/openapi-generator-cli to look for it, so the wrapper never downloads one.
//
// The JAR comes from the devDependency `openapi-generator-jar`
// (@openapitools/openapi-generator-cli@1.0.18-5.0.0-beta2, which ships bin/openapi-generator.jar);
// the wrapper looks for <storageDir>/<version>.jar, storageDir taken relative to the directory it
// runs in (the repository root). `pnpm install` runs this file (postinstall) and so does every
// command of this package before it starts the generator. Run alone: node src/jar.mjs

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The repository root, where openapitools.json is. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** The wrapper's configuration file. */
export const configFile = join(repositoryRoot, "openapitools.json");

/** The generator version and the JAR path openapitools.json names. */
export function readConfig() {
  const config = JSON.parse(readFileSync(configFile, "utf8"))["generator-cli"];
  const jar = resolve(repositoryRoot, config.storageDir, `${config.version}.jar`);
  return { version: config.version, jar };
}

/** The JAR the devDependency ships. */
export function shippedJar() {
  return join(
    dirname(require.resolve("openapi-generator-jar/package.json")),
    "bin",
    "openapi-generator.jar",
  );
}

/**
 * Makes the JAR openapitools.json names exist (a symbolic link to the shipped JAR, or a copy where
 * links cannot be made) and returns its path.
 */
export function ensureJar() {
  const { jar } = readConfig();
  if (existsSync(jar)) return jar;
  const source = shippedJar();
  mkdirSync(dirname(jar), { recursive: true });
  rmSync(jar, { force: true }); // a dangling link left by a reinstall
  try {
    symlinkSync(relative(dirname(jar), source), jar);
  } catch {
    copyFileSync(source, jar);
  }
  return jar;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const jar = ensureJar();
  console.log(`OpenAPI Generator JAR: ${relative(repositoryRoot, jar)}`);
}
