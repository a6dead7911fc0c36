import { builtinModules } from "node:module";
import { build, type Platform, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

/** A Node built-in a browser bundle reaches, and the file that imports it. */
export interface NodeImport {
  /** The specifier as written (`node:crypto`, `fs`, …). */
  specifier: string;
  /** The importing file, relative to the working directory. */
  importer: string;
}

const BUILTINS = new Set(builtinModules);
/** Node's own globals, which a browser lacks. */
const NODE_GLOBALS = ["Buffer", "process", "__dirname", "__filename"] as const;
const GLOBAL_MARK = "__node_global_";

/** What a browser bundle of an entry reaches that it should not. */
export interface BrowserBundleImports {
  /** Node built-ins imported, and Node globals used, by the entry's modules. */
  node: NodeImport[];
  /**
   * Imports of a schema compiler (Ajv, or ajv-formats' entry, which loads Ajv): a client whose
   * operations carry compiled validators needs none. ajv-formats' plain format functions
   * (`ajv-formats/dist/formats.js`) are not a compiler and are not listed.
   */
  schemaCompiler: NodeImport[];
}

/** Ajv itself, or ajv-formats' entry (which requires Ajv). */
const SCHEMA_COMPILER = /^(ajv(\/.*)?|ajv-formats)$/;

/**
 * Bundles `entry` (a package's `.` export, e.g. `@trustspec/licence`) as esbuild does for a
 * browser (`platform: "browser"`, the workspace's source condition) and lists every Node
 * built-in its modules import (used or not), with its importer, every use of Node's globals
 * (`Buffer`, `process`, `__dirname`, `__filename`) left in it, and every import of a schema
 * compiler. An entry a browser, a worker or an edge runtime can load lists no Node import.
 */
export async function browserBundleImports(
  entry: string,
  resolveDir: string,
): Promise<BrowserBundleImports> {
  const found: NodeImport[] = [];
  const schemaCompiler: NodeImport[] = [];
  const recordImports: Plugin = {
    name: "record-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (SCHEMA_COMPILER.test(args.path)) {
          schemaCompiler.push({ specifier: args.path, importer: args.importer });
          return { path: args.path, external: true };
        }
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
    plugins: [recordImports],
    // Node's globals, renamed so that a use left in the bundle can be found in its text.
    define: Object.fromEntries(NODE_GLOBALS.map((name) => [name, `${GLOBAL_MARK}${name}`])),
  });
  // Every import counts, used or not: a bundler resolves each one before it drops unused code,
  // a Node built-in does not resolve for a browser (esbuild stops with an error), and Node's own
  // loader evaluates every module an entry imports, so an unused Ajv still costs its load time.
  return { node: [...found, ...globalUses(result.outputFiles?.[0]?.text ?? "")], schemaCompiler };
}

/** The Node built-ins and globals a browser bundle of `entry` reaches (see {@link browserBundleImports}). */
export async function nodeImportsOfBrowserBundle(
  entry: string,
  resolveDir: string,
): Promise<NodeImport[]> {
  return (await browserBundleImports(entry, resolveDir)).node;
}

/**
 * Registers the test that a package's client entry (`.`) bundles for the browser without any
 * Node built-in, and, for each of `nodeEntries` (server, emulator, mocks), that the same check
 * does find the built-ins those entries use, so the check is seen to bite. Also that the entry
 * imports no schema compiler (its operations carry compiled validators), unless
 * `compilesSchemas` says it offers run-time schema compiling: then that the check finds it.
 */
export function browserEntryTests(
  packageName: string,
  packageDir: string,
  nodeEntries: readonly string[] = [],
  options: { compilesSchemas?: boolean } = {},
): void {
  describe(`${packageName}: the client entry bundles for a browser`, () => {
    let imports: Promise<BrowserBundleImports> | undefined;
    const entryImports = () => {
      imports ??= browserBundleImports(packageName, packageDir);
      return imports;
    };
    it("esbuild (platform browser) reaches no Node built-in from `.`", {
      timeout: 120_000,
    }, async () => {
      expect((await entryImports()).node).toEqual([]);
    });
    if (options.compilesSchemas) {
      it("the check finds the schema compiler (Ajv) it offers", { timeout: 120_000 }, async () => {
        expect((await entryImports()).schemaCompiler.length).toBeGreaterThan(0);
      });
    } else {
      it("imports no schema compiler (Ajv): neither bundles nor Node load one", {
        timeout: 120_000,
      }, async () => {
        expect((await entryImports()).schemaCompiler).toEqual([]);
      });
    }
    for (const entry of nodeEntries) {
      it(`the check finds the Node built-ins of ${entry}`, { timeout: 120_000 }, async () => {
        expect((await nodeImportsOfBrowserBundle(entry, packageDir)).length).toBeGreaterThan(0);
      });
    }
  });
}

/**
 * The uses of Node's globals in the workspace's own modules of an unminified bundle (esbuild heads
 * each module with a `// path` comment). Dependencies are left out: those that touch `process`
 * guard it with `typeof` (pkijs does).
 */
function globalUses(bundle: string): NodeImport[] {
  const uses: NodeImport[] = [];
  let file = "";
  for (const line of bundle.split("\n")) {
    if (line.startsWith("// ")) file = line.slice(3);
    if (file.includes("node_modules")) continue;
    for (const name of NODE_GLOBALS) {
      const use = { specifier: `global ${name}`, importer: file };
      if (
        line.includes(`${GLOBAL_MARK}${name}`) &&
        !uses.some((u) => u.specifier === use.specifier && u.importer === file)
      ) {
        uses.push(use);
      }
    }
  }
  return uses;
}

/**
 * The files (relative to `resolveDir`) esbuild puts in a bundle of `entry` for `platform` with
 * `conditions`, Node built-ins and `external` left out: which of a package's conditional files a
 * bundler picks.
 */
export async function bundledFiles(
  entry: string,
  resolveDir: string,
  options: { platform: Platform; conditions: string[]; external?: string[] },
): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export * from ${JSON.stringify(entry)};`, resolveDir, loader: "js" },
    bundle: true,
    write: false,
    metafile: true,
    platform: options.platform,
    format: "esm",
    conditions: options.conditions,
    external: ["node:*", ...(options.external ?? [])],
    absWorkingDir: resolveDir,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs).filter((file) => file !== "<stdin>");
}

/** A minified browser bundle of some of an entry's exports: its text and the files it carries. */
export interface BrowserBundle {
  /** The bundle's code. */
  text: string;
  /** The files (relative to the resolve folder) that left code in the bundle after tree-shaking. */
  files: string[];
}

/**
 * Bundles only `names` of `entry` as a user's bundler would for a page (esbuild, platform browser,
 * minified, tree-shaken), to see what one import costs a page and what it drags in.
 */
export async function browserBundleOf(
  entry: string,
  names: readonly string[],
  resolveDir: string,
): Promise<BrowserBundle> {
  const result = await minifiedBrowserBuild(
    `export { ${names.join(", ")} } from ${JSON.stringify(entry)};`,
    resolveDir,
  );
  const output = Object.values(result.metafile.outputs)[0]!;
  return {
    text: result.outputFiles[0]!.text,
    files: Object.entries(output.inputs)
      .filter(([file, { bytesInOutput }]) => bytesInOutput > 0 && file !== "<stdin>")
      .map(([file]) => file),
  };
}

/**
 * Bundles `source` (a module importing from workspace packages, resolved from `resolveDir`) as a
 * minified browser bundle, as a user's bundler would ship it, and imports the result: what the
 * module exports after minification. `renamed` is whether the minifier renamed classes (so that
 * a test of names that must survive minification can fail).
 */
export async function importMinified(
  source: string,
  resolveDir: string,
): Promise<{ exports: Record<string, unknown>; text: string }> {
  const text = (await minifiedBrowserBuild(source, resolveDir)).outputFiles[0]!.text;
  const exports = (await import(
    `data:text/javascript;base64,${Buffer.from(text).toString("base64")}`
  )) as Record<string, unknown>;
  return { exports, text };
}

/** `source` bundled as a user's bundler ships it for a browser: minified, ES module, with its metafile. */
function minifiedBrowserBuild(source: string, resolveDir: string) {
  return build({
    stdin: { contents: source, resolveDir, loader: "ts" },
    bundle: true,
    write: false,
    metafile: true,
    minify: true,
    platform: "browser",
    format: "esm",
    conditions: ["@trustspec/source"],
    external: ["node:*"],
    absWorkingDir: resolveDir,
    logLevel: "silent",
  });
}
