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
 * The packed tarballs of @trustspec/runtime, @trustspec/cms, @trustspec/dss and @trustspec/suz
 * install into an empty project with npm
 * and work there from ESM and CommonJS, exactly as a user gets them. Needs the packages built
 * (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "suz-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/suz")}
${load("@trustspec/suz/server")}
${load("@trustspec/suz/lite")}
async function main() {
  const emulator = new server.SuzEmulator();
  const { url, close } = await emulator.listen();
  const client = api.createSuzClient({ baseUrl: url });
  const auth = await api.mdlpAuth(client, { body: { client_id: server.DEFAULT_MDLP_CLIENT.clientId, client_secret: server.DEFAULT_MDLP_CLIENT.clientSecret, user_id: "user@example.org", auth_type: "PASSWORD" } });
  const code = api.parseMarkingCode("0104601234567893" + "21ABC123" + api.GS + "93Xy9+");
  const liteAuth = await lite.mdlpAuth(lite.createSuzClient({ baseUrl: url }), { body: { client_id: server.DEFAULT_MDLP_CLIENT.clientId, client_secret: server.DEFAULT_MDLP_CLIENT.clientSecret, user_id: "user@example.org", auth_type: "PASSWORD" } });
  console.log(JSON.stringify({ auth: auth.status, hasCode: typeof auth.data.code === "string", gtin: code.gtin, liteAuth: liteAuth.status }));
  await close();
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const dirs = ["../../runtime", "../../cms", "../../dss", ".."];
    const { app, packs, tarballs } = await packAndInstall(
      dirs.map((dir) => join(here, dir)),
      work,
    );
    expect(tarballs).toHaveLength(dirs.length);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/suz": "api",
      "@trustspec/suz/server": "server",
      "@trustspec/suz/lite": "lite",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    expect(JSON.parse(out.esm), "ESM").toEqual({
      auth: 200,
      hasCode: true,
      gtin: "04601234567893",
      liteAuth: 200,
    });
    expect(JSON.parse(out.cjs), "CommonJS").toEqual({
      auth: 200,
      hasCode: true,
      gtin: "04601234567893",
      liteAuth: 200,
    });
  });
});
