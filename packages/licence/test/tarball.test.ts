import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The packed tarballs of @trustspec/runtime and @trustspec/licence install into an empty
 * project with npm and work there, from ESM and from CommonJS, exactly as a user gets them.
 * Needs the packages built (turbo runs `build` before `test`).
 */
const run = promisify(execFile);
const here = import.meta.dirname;
// The workspace's own pnpm (a root devDependency), so packing rewrites `workspace:` ranges.
const pnpm = join(here, "..", "..", "..", "node_modules", "pnpm", "bin", "pnpm.cjs");
const work = mkdtempSync(join(tmpdir(), "licence-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 180_000,
  }, async () => {
    const packs = join(work, "packs");
    for (const pkg of ["../../runtime", ".."]) {
      await run(process.execPath, [pnpm, "pack", "--pack-destination", packs], {
        cwd: join(here, pkg),
      });
    }
    const tarballs = readdirSync(packs).map((f) => join(packs, f));
    expect(tarballs.map((t) => t.replace(/.*\//, "")).sort()).toEqual([
      expect.stringMatching(/^trustspec-licence-\d+\.\d+\.\d+\.tgz$/),
      expect.stringMatching(/^trustspec-runtime-\d+\.\d+\.\d+\.tgz$/),
    ]);
    const app = join(work, "app");
    await run("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "app", private: true, type: "module" }),
    );
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], {
      cwd: app,
    });

    writeFileSync(
      join(app, "esm.mjs"),
      `import { createLicenceClient, listLicences, getLicence, ApiError } from "@trustspec/licence";
import { LicenceEmulator } from "@trustspec/licence/server";
const emulator = new LicenceEmulator({ demo: true });
const server = await emulator.listen();
const client = createLicenceClient({ baseUrl: server.url, credentials: { username: "admin", password: "admin" }, signature: { publicKey: emulator.publicKey } });
const { data } = await listLicences(client);
let status = 0;
try { await getLicence(client, { path: { KeyNo: 1 } }); } catch (e) { status = e instanceof ApiError ? e.status : -1; }
console.log(JSON.stringify({ count: data.Licences.length, status }));
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
    const esm = await run(process.execPath, ["esm.mjs"], { cwd: app });
    expect(JSON.parse(esm.stdout)).toEqual({ count: 3, status: 404 });
    const cjs = await run(process.execPath, ["cjs.cjs"], { cwd: app });
    expect(cjs.stdout.trim()).toBe("3.0.34.11319");
  });
});
