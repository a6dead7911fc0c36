/**
 * Which verifier each consumer of the package gets through `#licence-verify` (package.json
 * "imports"): Node (source and built `dist/`, ESM and CommonJS) and bundlers targeting Node take
 * node:crypto (`verify-node`); bundlers targeting browsers take Web Crypto (`verify-web`). The
 * `dist/` cases need the package built (turbo runs `build` before `test`).
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { bundledFiles } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";

const here = join(import.meta.dirname, "..");

/** The verifier files in esbuild's bundle of the package's `.` entry. */
async function bundledVerifiers(platform: "browser" | "node", conditions: string[]) {
  const files = await bundledFiles("@trustspec/licence", here, {
    platform,
    conditions,
    external: ["msw", "msw/*"],
  });
  return files.filter((file) => /verify-(node|web)\.(ts|mjs|cjs)$/.test(file));
}

describe("the verifier a bundler picks", () => {
  it("for a browser, from source: src/verify-web.ts", { timeout: 60_000 }, async () => {
    expect(await bundledVerifiers("browser", ["@trustspec/source"])).toEqual(["src/verify-web.ts"]);
  });

  it("for a browser, from dist: dist/verify-web.mjs", { timeout: 60_000 }, async () => {
    expect(await bundledVerifiers("browser", [])).toEqual(["dist/verify-web.mjs"]);
  });

  it("for Node, from source and from dist: verify-node", { timeout: 60_000 }, async () => {
    expect(await bundledVerifiers("node", ["@trustspec/source"])).toEqual(["src/verify-node.ts"]);
    expect(await bundledVerifiers("node", [])).toEqual(["dist/verify-node.mjs"]);
  });
});

describe("the verifier Node loads from dist", () => {
  const node = (args: string[]) =>
    execFileSync(process.execPath, args, { cwd: here, encoding: "utf8" }).trim();

  it("ESM: dist/verify-node.mjs", () => {
    const url = node([
      "--input-type=module",
      "-e",
      'await import("./dist/index.mjs"); console.log(import.meta.resolve("#licence-verify"))',
    ]);
    expect(url).toMatch(/\/dist\/verify-node\.mjs$/);
  });

  it("CommonJS: dist/verify-node.cjs, and not the Web Crypto file", () => {
    const loaded = node([
      "-e",
      'require("./dist/index.cjs"); console.log(Object.keys(require.cache).filter((f) => /verify-(node|web)/.test(f)).join(","))',
    ]);
    expect(loaded).toMatch(/\/dist\/verify-node\.cjs$/);
  });
});
