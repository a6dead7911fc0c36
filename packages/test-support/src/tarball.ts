import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";

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
 * @throws when a package depends on a workspace package that is not in the list (npm would look
 * for it in the registry).
 * @returns the app's folder, the tarballs' folder and their file names, sorted.
 */
export async function packAndInstall(
  packageDirs: readonly string[],
  work: string,
): Promise<{ app: string; packs: string; tarballs: string[] }> {
  const packs = join(work, "packs");
  // A workspace dependency left out would be fetched from the npm registry: refuse instead.
  const names = new Set(packageDirs.map((dir) => manifestOf(dir).name));
  for (const dir of packageDirs) {
    const { name, dependencies = {}, peerDependencies = {} } = manifestOf(dir);
    const missing = Object.entries({ ...dependencies, ...peerDependencies })
      .filter(([dep, range]) => range.startsWith("workspace:") && !names.has(dep))
      .map(([dep]) => dep);
    if (missing.length > 0) {
      throw new Error(`${name} depends on ${missing.join(", ")}: pack them too`);
    }
  }
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
  return { app, packs, tarballs: files.map((f) => f.replace(/.*[\\/]/, "")).sort() };
}

interface PackageManifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifestOf(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageManifest;
}

/** The files every published package carries at its root besides its code, sorted. */
export const PACKAGE_DOCS = ["CHANGELOG.md", "LICENSE", "README.md"] as const;

/** The paths of the files in a packed tarball (`.tgz`), without the leading `package/`, sorted. */
export function tarballFiles(tarball: string): string[] {
  const tar = gunzipSync(readFileSync(tarball));
  const text = (from: number, length: number) =>
    tar.toString("utf8", from, from + length).replace(/\0.*$/s, "");
  const files: string[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(at, 100);
    if (name === "") break; // the end-of-archive blocks
    const size = Number.parseInt(text(at + 124, 12).trim() || "0", 8);
    const type = text(at + 156, 1);
    const prefix = text(at + 345, 155);
    const body = at + 512;
    if (type === "x") {
      // A pax header: its `path` record names the next entry.
      longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text(body, size))?.[1];
    } else {
      if (type === "0" || type === "")
        files.push(longName ?? (prefix ? `${prefix}/${name}` : name));
      longName = undefined;
    }
    at = body + Math.ceil(size / 512) * 512;
  }
  return files.map((f) => f.replace(/^package\//, "")).sort();
}

/** Which of {@link PACKAGE_DOCS} a packed tarball holds at its root. */
export function packageDocs(tarball: string): string[] {
  const files = new Set(tarballFiles(tarball));
  return PACKAGE_DOCS.filter((f) => files.has(f));
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
