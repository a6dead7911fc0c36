import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// The workspace's own pnpm (a root devDependency), so packing rewrites `workspace:` ranges.
const pnpm = resolve(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "node_modules",
  "pnpm",
  "bin",
  "pnpm.cjs",
);

/**
 * Packs each package folder with pnpm (as publishing would) into `work/packs`, and installs the
 * tarballs with npm into a new empty project `work/app`, exactly as a user gets them. Needs the
 * packages built.
 * @returns the app's folder and the tarballs' file names, sorted.
 */
export async function packAndInstall(
  packageDirs: readonly string[],
  work: string,
): Promise<{ app: string; tarballs: string[] }> {
  const packs = join(work, "packs");
  for (const dir of packageDirs) {
    await run(process.execPath, [pnpm, "pack", "--pack-destination", packs], { cwd: dir });
  }
  const files = readdirSync(packs).map((f) => join(packs, f));
  const app = join(work, "app");
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module" }),
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...files], {
    cwd: app,
  });
  return { app, tarballs: files.map((f) => f.replace(/.*[\\/]/, "")).sort() };
}

/** Runs a file of the app with Node and resolves to its standard output. */
export async function runIn(app: string, file: string): Promise<string> {
  return (await run(process.execPath, [file], { cwd: app })).stdout;
}

/**
 * Writes one program twice into the app, as an ES module (`import * as <name> from "<id>"`) and
 * as CommonJS (`const <name> = require("<id>")`), runs both, and returns each one's output.
 * @param names - each entry point the program loads → the name it is bound to
 * @param program - the program's text, given how to load an entry point
 */
export async function runAsEsmAndCjs(
  app: string,
  names: Record<string, string>,
  program: (load: (id: string) => string) => string,
): Promise<{ esm: string; cjs: string }> {
  const write = (file: string, load: (id: string) => string) => {
    writeFileSync(join(app, file), program(load));
    return runIn(app, file);
  };
  return {
    esm: await write("esm.mjs", (id) => `import * as ${names[id]} from "${id}";`),
    cjs: await write("cjs.cjs", (id) => `const ${names[id]} = require("${id}");`),
  };
}
