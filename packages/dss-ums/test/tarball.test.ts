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
 * The packed tarballs of @trustspec/runtime, @trustspec/dss and @trustspec/dss-ums install into an empty project with npm
 * and work there from ESM and CommonJS, exactly as a user gets them (the REST client and the SOAP
 * client of `./soap`). Needs the packages built
 * (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "dss-ums-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/dss-ums")}
${load("@trustspec/dss-ums/server")}
${load("@trustspec/dss-ums/soap")}
${load("@trustspec/dss-ums/lite")}
async function main() {
  const ums = await server.DssUmsEmulator.create({ operators: [{ token: "t0k", login: "operator" }] });
  const { url, close } = await ums.listen();
  const client = api.createDssUmsClient({ baseUrl: url + "/STS/ums", auth: api.bearerAuth("t0k") });
  const policy = await api.getPolicy(client);
  let status = 0;
  try { await api.getUserById(client, { path: { id: "00000000-0000-0000-0000-000000000000" } }); } catch (e) { status = e instanceof api.ApiError ? e.status : -1; }
  const liteClient = lite.createDssUmsClient({ baseUrl: url + "/STS/ums", auth: lite.bearerAuth("t0k") });
  const litePolicy = (await lite.getPolicy(liteClient)).status;
  // The SOAP entry: its client against the SOAP stub of the server entry, through the stub's fetch.
  const stub = server.createDssUmsSoapServer({ GetPolicy: () => ({ GetPolicyResult: { AllowUserRegistration: true } }) });
  const soapClient = soap.createUmsSoapClient({ baseUrl: "https://dss.example", fetch: (input, init) => stub.fetch(new Request(input, init)) });
  const soapPolicy = await soap.getPolicy(soapClient, {});
  console.log(JSON.stringify({ policy: policy.status, status, litePolicy, soap: soapPolicy.GetPolicyResult.AllowUserRegistration }));
  await close();
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const { app, packs, tarballs } = await packAndInstall(
      ["../../runtime", "../../cms", "../../dss", ".."].map((dir) => join(here, dir)),
      work,
    );
    expect(tarballs).toHaveLength(4);
    // Each tarball carries the package's README, LICENSE and CHANGELOG.
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/dss-ums": "api",
      "@trustspec/dss-ums/server": "server",
      "@trustspec/dss-ums/soap": "soap",
      "@trustspec/dss-ums/lite": "lite",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    expect(JSON.parse(out.esm), "ESM").toEqual({
      policy: 200,
      status: 404,
      litePolicy: 200,
      soap: true,
    });
    expect(JSON.parse(out.cjs), "CommonJS").toEqual({
      policy: 200,
      status: 404,
      litePolicy: 200,
      soap: true,
    });
  });
});
