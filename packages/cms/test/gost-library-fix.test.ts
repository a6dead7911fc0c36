/**
 * node-gost-crypto 1.0.2 calls an undefined `subtract` in the last step of its modular inverse
 * (the jsbn routine it was translated from subtracts the modulus once more there). The branch is
 * rare, so GOST signing and verification failed now and then with "subtract is not defined". The
 * workspace installs the library with a one-line patch (`patches/node-gost-crypto@1.0.2.patch`,
 * listed under `patchedDependencies` in `pnpm-workspace.yaml`); this test fails if the library in
 * use lacks it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const library = dirname(require.resolve("node-gost-crypto/package.json"));

describe("the GOST library's modular inverse", () => {
  it("calls no undefined subtract", () => {
    const source = readFileSync(join(library, "lib", "gostSign.js"), "utf8");
    expect(source).not.toMatch(/\bsubtract\(/);
    expect(source).toMatch(/compare\(d, m\) >= 0\)\s*return sub\(d, m\);/);
  });
});
