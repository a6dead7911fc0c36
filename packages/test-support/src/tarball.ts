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
