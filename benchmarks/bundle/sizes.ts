/**
 * The size of one operation's browser bundle: an entry module bundled by esbuild for the browser
 * platform, minified, as ES module, then compressed by gzip at level 9; as a user's bundler would
 * ship it. `node:` imports are left out (marked external): none belongs in a browser bundle, and
 * one that remains is reported beside the size.
 */
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "esbuild";

/** Bytes of a bundle: minified, and minified then gzip -9; the `node:` modules it still imports. */
export interface BundleSize {
  minified: number;
  gzip: number;
  nodeImports: string[];
}

/**
 * Bundles `source` (an entry module resolved from `resolveDir`) and measures it; `plugins` may
 * replace modules (the benchmarks' way to bundle a variant of a generated file).
 */
export async function bundleSize(
  source: string,
  resolveDir: string,
  plugins: Plugin[] = [],
): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    // The workspace packages' TypeScript sources, as the repository's own tools read them.
    conditions: ["@trustspec/source"],
    external: ["node:*"],
    metafile: true,
    plugins,
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  return {
    minified: code.byteLength,
    gzip: gzipSync(code, { level: 9 }).byteLength,
    nodeImports: output.imports.filter((i) => i.path.startsWith("node:")).map((i) => i.path),
  };
}

/**
 * The `listLicences` entries of the trustspec licence client, by entry point and how the client is
 * configured: the main entry (`@trustspec/licence`, whose operations carry their compiled
 * validators whatever the run-time policy) and the lite entry (`@trustspec/licence/lite`, no
 * validation; its client requires a signature choice).
 */
export const trustspecEntries = {
  "validation and signature off": `
    import { createLicenceClient, listLicences } from "@trustspec/licence";
    export const run = (baseUrl: string) =>
      listLicences(createLicenceClient({ baseUrl, validation: "off", signature: { policy: "off" } }));`,
  "validation on + signature check (defaults)": `
    import { createLicenceClient, listLicences } from "@trustspec/licence";
    export const run = (baseUrl: string) => listLicences(createLicenceClient({ baseUrl }));`,
  "lite entry, signature off": `
    import { createLicenceClient, listLicences } from "@trustspec/licence/lite";
    export const run = (baseUrl: string) =>
      listLicences(createLicenceClient({ baseUrl, signature: "off" }));`,
  "lite entry + signature check": `
    import { createLicenceClient, licenceSignatureCheck, listLicences } from "@trustspec/licence/lite";
    export const run = (baseUrl: string) =>
      listLicences(createLicenceClient({ baseUrl, signature: licenceSignatureCheck() }));`,
} as const;

/** Kilobytes with one decimal, as the tables print them. */
export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
