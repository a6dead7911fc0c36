import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_DOCS, packAndInstall, packageDocs, runIn } from "@trustspec-private/test-support";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The packed tarballs of @trustspec/runtime and @trustspec/licence install into an empty
 * project with npm and work there, from ESM and from CommonJS, exactly as a user gets them.
 * Needs the packages built (turbo runs `build` before `test`).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "licence-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 180_000,
  }, async () => {
    const { app, packs, tarballs } = await packAndInstall(
      [join(here, "../../runtime"), join(here, "..")],
      work,
    );
    expect(tarballs).toEqual([
      expect.stringMatching(/^trustspec-licence-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^trustspec-runtime-\d+\.\d+\.\d+\.tgz$/),
    ]);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);

    writeFileSync(
      join(app, "esm.mjs"),
      `import { createLicenceClient, listLicences, getLicence, ApiError } from "@trustspec/licence";
import { LicenceEmulator } from "@trustspec/licence/server";
import * as lite from "@trustspec/licence/lite";
const emulator = new LicenceEmulator({ demo: true });
const server = await emulator.listen();
const client = createLicenceClient({ baseUrl: server.url, credentials: { username: "admin", password: "admin" }, signature: { publicKey: emulator.publicKey } });
const { data } = await listLicences(client);
let status = 0;
try { await getLicence(client, { path: { KeyNo: 1 } }); } catch (e) { status = e instanceof ApiError ? e.status : -1; }
const liteClient = lite.createLicenceClient({ baseUrl: server.url, credentials: { username: "admin", password: "admin" }, signature: lite.licenceSignatureCheck({ publicKey: emulator.publicKey }) });
const liteCount = (await lite.listLicences(liteClient)).data.Licences.length;
console.log(JSON.stringify({ count: data.Licences.length, status, liteCount }));
await server.close();
`,
    );
    writeFileSync(
      join(app, "cjs.cjs"),
      `const { createLicenceClient, getApiInfo } = require("@trustspec/licence");
const { LicenceEmulator } = require("@trustspec/licence/server");
(async () => {
  const emulator = new LicenceEmulator();
  const server = await emulator.listen();
  const client = createLicenceClient({ baseUrl: server.url, credentials: { username: "admin", password: "admin" }, signature: { publicKey: emulator.publicKey } });
  const { data } = await getApiInfo(client);
  console.log(data.Version);
  await server.close();
})();
`,
    );
    expect(JSON.parse(await runIn(app, "esm.mjs"))).toEqual({
      count: 3,
      status: 404,
      liteCount: 3,
    });
    expect((await runIn(app, "cjs.cjs")).trim()).toBe("3.0.34.11319");
  });
});
