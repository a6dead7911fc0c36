import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  PACKAGE_DOCS,
  packAndInstall,
  packageDocs,
  runAsEsmAndCjs,
} from "@trustspec-private/test-support";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The packed tarballs of @trustspec/runtime and @trustspec/cms install into an empty project with
 * npm and work there from ESM and CommonJS: an ECDSA and a GOST test CA sign and verify a
 * detached CMS, and a GOST signature does not verify over other content. Needs the packages
 * built (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "cms-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/cms")}
${load("@trustspec/cms/gost")}
async function main() {
  const content = new TextEncoder().encode("tarball");
  const ca = await cms.createTestCa({ commonName: "CN=Tarball CA", algorithm: "ECDSA" });
  const ecdsa = await cms.verifyCms(await cms.signCms(content, ca), { content, trusted: [ca.certificate] });
  const engine = gost.gostEngine();
  const gostCa = await gost.createGostTestCa({ subject: "CN=Tarball GOST CA", length: 512 });
  const signature = await cms.signCms(content, gostCa, { engine });
  const ok = await cms.verifyCms(signature, { content, engine, trusted: [gostCa.certificate] });
  const other = await cms.verifyCms(signature, { content: new Uint8Array([1]), engine });
  console.log(JSON.stringify({ ecdsa: ecdsa.valid, gost: ok.valid, other: other.code }));
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const { app, packs, tarballs } = await packAndInstall(
      [join(here, "../../runtime"), join(here, "..")],
      work,
    );
    expect(tarballs).toEqual([
      expect.stringMatching(/^trustspec-cms-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^trustspec-runtime-\d+\.\d+\.\d+\.tgz$/),
    ]);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/cms": "cms",
      "@trustspec/cms/gost": "gost",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    const expected = { ecdsa: true, gost: true, other: "digest-mismatch" };
    expect(JSON.parse(out.esm), "ESM").toEqual(expected);
    expect(JSON.parse(out.cjs), "CommonJS").toEqual(expected);
  });
});
