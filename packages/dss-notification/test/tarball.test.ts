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
 * The packed tarballs of @trustspec/runtime and @trustspec/dss-notification install into an empty project with npm
 * and work there from ESM and CommonJS, exactly as a user gets them. Needs the packages built
 * (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "dss-notification-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/dss-notification")}
${load("@trustspec/dss-notification/server")}
async function main() {
  const received = [];
  const receiver = await server.listenNotificationReceiver({ port: 0, onNotification: (n) => { received.push(n.result); } });
  const client = api.createDssNotificationClient({ url: receiver.url + "/" });
  await api.notify(client, { opResult: { OperationCode: 100, ResultCode: 0, UserIdentifier: "+79161234567", AdditionalData: { 1: "x" } } });
  let fault = "";
  try { await api.notify(client, { opResult: { ResultCode: 0, UserIdentifier: null } }); } catch (e) { fault = e.name; }
  console.log(JSON.stringify({ received, fault }));
  await receiver.close();
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const { app, packs, tarballs } = await packAndInstall(
      ["../../runtime", ".."].map((dir) => join(here, dir)),
      work,
    );
    expect(tarballs).toHaveLength(["../../runtime", ".."].length);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/dss-notification": "api",
      "@trustspec/dss-notification/server": "server",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    expect(JSON.parse(out.esm), "ESM").toEqual({
      received: [
        {
          OperationCode: 100,
          ResultCode: 0,
          UserIdentifier: "+79161234567",
          AdditionalData: { "1": "x" },
        },
      ],
      fault: "ValidationError",
    });
    expect(JSON.parse(out.cjs), "CommonJS").toEqual({
      received: [
        {
          OperationCode: 100,
          ResultCode: 0,
          UserIdentifier: "+79161234567",
          AdditionalData: { "1": "x" },
        },
      ],
      fault: "ValidationError",
    });
  });
});
