/**
 * An independent check of the emulator's identity centre with `xmlsec1` (Debian's xmlsec1, which
 * `scripts/setup-xmlsec1.sh` installs when it is missing): the SAML assertion's RSA signature in
 * the RSTR exactly as the emulator sent it, given the identity centre's published certificate.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  requestSecurityTokenXml,
  trustEnvelope,
  usernameTokenHeader,
  WSTRUST_ACTIONS,
} from "../src/wstrust/index.js";
import { type Running, start } from "./emulator-support.js";

const SAML = "urn:oasis:names:tc:SAML:1.0:assertion";
let dir = "";
let run: Running;

function xmlsec1(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("xmlsec1", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

beforeAll(async () => {
  execFileSync(
    "bash",
    [join(import.meta.dirname, "..", "..", "..", "scripts", "setup-xmlsec1.sh")],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  dir = mkdtempSync(join(tmpdir(), "wstrust-xmlsec1-"));
  run = await start();
}, 600_000);
afterAll(async () => {
  await run?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("xmlsec1 verifies the issued assertion's signature in the RSTR as sent, with the STS certificate", async () => {
  const res = await fetch(`${run.url}/STS/Active.svc`, {
    method: "POST",
    headers: {
      "content-type": `application/soap+xml; charset=utf-8; action="${WSTRUST_ACTIONS.issue}"`,
    },
    body: trustEnvelope(
      WSTRUST_ACTIONS.issue,
      requestSecurityTokenXml({ appliesTo: "http://localhost/SignService/" }),
      [usernameTokenHeader("demo", "demo")],
    ),
  });
  expect(res.status).toBe(200);
  const rstr = await res.text();
  writeFileSync(join(dir, "rstr.xml"), rstr);
  writeFileSync(join(dir, "sts.pem"), run.dss.stsCertificatePem);
  writeFileSync(join(dir, "changed.xml"), rstr.replace(">demo<", ">operator<"));
  const verify = (file: string) =>
    xmlsec1([
      "--verify",
      "--pubkey-cert-pem",
      "sts.pem",
      "--id-attr:AssertionID",
      `${SAML}:Assertion`,
      "--node-xpath",
      "//*[local-name()='Assertion']/*[local-name()='Signature']",
      file,
    ]);
  const ok = await verify("rstr.xml");
  expect(ok.code, ok.output).toBe(0);
  expect(ok.output).toContain("SignedInfo References (ok/all): 1/1");
  expect((await verify("changed.xml")).code).not.toBe(0);
});
