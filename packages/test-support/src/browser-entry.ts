import { builtinModules } from "node:module";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

/** A Node built-in a browser bundle reaches, and the file that imports it. */
export interface NodeImport {
  /** The specifier as written (`node:crypto`, `fs`, …). */
  specifier: string;
  /** The importing file, relative to the working directory. */
  importer: string;
}

const BUILTINS = new Set(builtinModules);

/**
 * Bundles `entry` (a package's `.` export, e.g. `@trustspec/licence`) as esbuild does for a
 * browser (`platform: "browser"`, the workspace's source condition) and lists every Node
 * built-in the bundle reaches, with its importer. An entry a browser, a worker or an edge
 * runtime can load lists none.
 */
export async function nodeImportsOfBrowserBundle(
  entry: string,
  resolveDir: string,
): Promise<NodeImport[]> {
  const found: NodeImport[] = [];
  const recordNodeImports: Plugin = {
    name: "record-node-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith("node:") ? args.path.slice(5) : args.path;
        if (!args.path.startsWith("node:") && !BUILTINS.has(bare)) return undefined;
        if (!BUILTINS.has(bare.split("/")[0] ?? "") && !BUILTINS.has(bare)) return undefined;
        found.push({ specifier: args.path, importer: args.importer });
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir, loader: "js" },
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    conditions: ["@trustspec/source"],
    logLevel: "silent",
    plugins: [recordNodeImports],
    metafile: true,
  });
  // What the bundle still imports once esbuild has dropped the modules nothing uses (the
  // packages declare `sideEffects: false`): a module that is only reachable from an unused
  // export costs a browser nothing.
  const kept = new Set(
    Object.values(result.metafile.outputs).flatMap((output) =>
      output.imports.filter((i) => i.external).map((i) => i.path),
    ),
  );
  return found.filter((f) => kept.has(f.specifier));
}

/**
 * Registers the test that a package's client entry (`.`) bundles for the browser without any
 * Node built-in, and, for each of `nodeEntries` (server, emulator, mocks), that the same check
 * does find the built-ins those entries use, so the check is seen to bite.
 */
export function browserEntryTests(
  packageName: string,
  packageDir: string,
  nodeEntries: readonly string[] = [],
): void {
  describe(`${packageName}: the client entry bundles for a browser`, () => {
    it("esbuild (platform browser) reaches no Node built-in from `.`", {
      timeout: 120_000,
    }, async () => {
      expect(await nodeImportsOfBrowserBundle(packageName, packageDir)).toEqual([]);
    });
    for (const entry of nodeEntries) {
      it(`the check finds the Node built-ins of ${entry}`, { timeout: 120_000 }, async () => {
        expect((await nodeImportsOfBrowserBundle(entry, packageDir)).length).toBeGreaterThan(0);
      });
    }
  });
}
