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
 * The packed tarballs of @trustspec/runtime, @trustspec/cms and @trustspec/dss-frontend install
 * into an empty project with npm and work there from ESM and CommonJS, exactly as a user gets
 * them: a form is built, and a post to the node:http receiver with its token is delivered while
 * one without is refused. Needs the packages built (turbo runs `build` first).
 */
const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), "dss-frontend-tarball-"));

afterAll(() => rmSync(work, { recursive: true, force: true }));

const program = (load: (id: string) => string) => `${load("@trustspec/dss-frontend")}
${load("@trustspec/dss-frontend/node")}
${load("@trustspec/dss-frontend/verify")}
async function main() {
  const http = await import("node:http");
  const secret = "tarball-test-secret-of-at-least-32-bytes";
  const got = [];
  const server = http.createServer(node.createBackpostListener({
    secret, sessionId: () => "s1", verify: verify.cmsVerifier(), refuseInvalidSignatures: false,
    onOutcome: (o) => { got.push([o.kind, o.result, o.file.name, o.verification.valid]); return new Response("ok"); },
  }));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = "http://127.0.0.1:" + server.address().port + "/back";
  const token = await api.createBackpostToken({ secret, sessionId: "s1", kind: "signFile" });
  const form = api.signFileForm({ frontendUrl: "http://dss/frontend", backpost: api.backpostUrl(base, token),
    file: { name: "a.txt", content: new Uint8Array([1, 2]) }, signatureType: { type: "GOST3410", Hash: true } });
  const body = new URLSearchParams([["filename", "a.txt.sig"], ["filecontent", "AQI="]]).toString();
  const headers = { "content-type": "application/x-www-form-urlencoded" };
  const ok = await fetch(api.backpostUrl(base, token), { method: "POST", headers, body });
  const forged = await fetch(base, { method: "POST", headers, body });
  console.log(JSON.stringify({ action: form.action, signaturetype: form.fields[3][1], ok: ok.status, forged: forged.status, got }));
  server.close();
}
main();
`;

describe("packed tarball", () => {
  it("installs into an empty project and runs from ESM and CommonJS", {
    timeout: 240_000,
  }, async () => {
    const dirs = ["../../runtime", "../../cms", ".."];
    const { app, packs, tarballs } = await packAndInstall(
      dirs.map((dir) => join(here, dir)),
      work,
    );
    expect(tarballs).toHaveLength(dirs.length);
    for (const t of tarballs) expect(packageDocs(join(packs, t)), t).toEqual(PACKAGE_DOCS);
    const names: Record<string, string> = {
      "@trustspec/dss-frontend": "api",
      "@trustspec/dss-frontend/node": "node",
      "@trustspec/dss-frontend/verify": "verify",
    };
    const out = await runAsEsmAndCjs(app, names, program);
    const expected = {
      action: "http://dss/frontend/uploadfile",
      signaturetype: "GOST3410:Hash=true",
      ok: 200,
      forged: 403,
      got: [["signFile", "signed", "a.txt.sig", false]],
    };
    expect(JSON.parse(out.esm), "ESM").toEqual(expected);
    expect(JSON.parse(out.cjs), "CommonJS").toEqual(expected);
  });
});
