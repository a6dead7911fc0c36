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
 * The packed tarballs of @trustspec/runtime, @trustspec/cms and @trustspec/dss install into an
 * empty project with npm and work there from ESM and CommonJS: a password-grant token, a signature made by the
 * emulator, verified with the CMS helpers. Needs the packages built (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "dss-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/dss")}
${load("@trustspec/dss/server")}
${load("@trustspec/dss/cms")}
${load("@trustspec/dss/lite")}
async function main() {
  const dss = await server.DssEmulator.create({ confirmation: "Off" });
  const { url, close } = await dss.listen();
  const sts = api.createDssStsClient({ baseUrl: url + "/STS" });
  const token = api.passwordTokenProvider(sts, { client: { clientId: "dss.sample" }, username: "demo", password: "demo" });
  const sign = api.createDssSignClient({ baseUrl: url + "/SignServer/rest/api", auth: api.bearerAuth(token) });
  const content = new TextEncoder().encode("tarball");
  const signed = await api.signDocument(sign, { body: { Content: Buffer.from(content).toString("base64"), Signature: { Type: "CMS" } } });
  const verified = await cms.verifyCms(new Uint8Array(Buffer.from(signed.data, "base64")), { content, trusted: [dss.caCertificate] });
  let status = 0;
  try { await api.getCertificate(sign, { path: { key: 424242 } }); } catch (e) { status = e instanceof api.ApiError ? e.status : -1; }
  const liteSign = lite.createDssSignClient({ baseUrl: url + "/SignServer/rest/api", auth: lite.bearerAuth(token) });
  const liteSigned = await lite.signDocument(liteSign, { body: { Content: Buffer.from(content).toString("base64"), Signature: { Type: "CMS" } } });
  const liteValid = (await cms.verifyCms(new Uint8Array(Buffer.from(liteSigned.data, "base64")), { content, trusted: [dss.caCertificate] })).valid;
  let liteStatus = 0;
  try { await lite.getCertificate(liteSign, { path: { key: 424242 } }); } catch (e) { liteStatus = e instanceof lite.ApiError ? e.status : -1; }
  console.log(JSON.stringify({ valid: verified.valid, status, liteValid, liteStatus }));
  await close();
  await dss.close();
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const { app, packs, tarballs } = await packAndInstall(
      [join(here, "../../runtime"), join(here, "../../cms"), join(here, "..")],
      work,
    );
    expect(tarballs).toEqual([
      expect.stringMatching(/^trustspec-cms-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^trustspec-dss-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^trustspec-runtime-\d+\.\d+\.\d+\.tgz$/),
    ]);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/dss": "api",
      "@trustspec/dss/server": "server",
      "@trustspec/dss/cms": "cms",
      "@trustspec/dss/lite": "lite",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    expect(JSON.parse(out.esm), "ESM").toEqual({
      valid: true,
      status: 404,
      liteValid: true,
      liteStatus: 404,
    });
    expect(JSON.parse(out.cjs), "CommonJS").toEqual({
      valid: true,
      status: 404,
      liteValid: true,
      liteStatus: 404,
    });
  });
});
