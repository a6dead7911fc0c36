/**
 * An independent check of our XML security with the XML Security Library's `xmlsec1` (Debian's
 * xmlsec1, which `scripts/setup-xmlsec1.sh` installs when it is missing): it verifies the
 * endorsing HMAC-SHA1 signature of the client's `token/transport/nosc` header given the proof key,
 * and the test assertion's RSA signature given the issuer's certificate, both in the message as
 * sent. Not skipped when xmlsec1 is missing: the setup script installs it or the suite fails.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transportSecurityHeader, verifyTransportSecurity } from "../src/wssecurity/index.js";
import { AUDIENCE, ISSUER, issuedToken, makeIssuer, request } from "./wssecurity-support.js";

const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const SAML = "urn:oasis:names:tc:SAML:1.0:assertion";
const ENDORSING = "/*/*/*[local-name()='Security']/*[local-name()='Signature']";
const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";

let dir = "";
const file = (name: string) => join(dir, name);

function xmlsec1(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile("xmlsec1", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

beforeAll(() => {
  // Installs xmlsec1 with apt-get when it is missing; a failure fails the suite (no silent skip).
  execFileSync(
    "bash",
    [join(import.meta.dirname, "..", "..", "..", "scripts", "setup-xmlsec1.sh")],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  dir = mkdtempSync(join(tmpdir(), "wss-xmlsec1-"));
}, 600_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("xmlsec1 verifies our WS-Security signatures", () => {
  const issuer = makeIssuer();
  const other = makeIssuer("Another STS");
  const now = new Date();
  const token = issuedToken(issuer, {
    id: "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e",
    notBefore: now,
    notOnOrAfter: new Date(now.getTime() + 600_000),
  });
  const message = request(transportSecurityHeader({ token, now: () => now }));

  it("the message is one our verifier accepts", async () => {
    await expect(
      verifyTransportSecurity(message, {
        issuerKey: issuer.certPem,
        issuer: ISSUER,
        audiences: [AUDIENCE],
        proofKey: () => token.proofKey,
        now: () => now,
      }),
    ).resolves.toMatchObject({ assertionId: token.keyIdentifier });
  });

  it("the endorsing HMAC-SHA1 signature over the timestamp, given the proof key", async () => {
    writeFileSync(file("message.xml"), message);
    writeFileSync(file("proof.key"), Buffer.from(token.proofKey, "base64"));
    writeFileSync(file("wrong.key"), Buffer.alloc(32, 1));
    const verify = (key: string) =>
      xmlsec1([
        "--verify",
        "--hmackey",
        key,
        "--id-attr:Id",
        `${WSU}:Timestamp`,
        "--node-xpath",
        ENDORSING,
        "message.xml",
      ]);
    const ok = await verify("proof.key");
    expect(ok.output).toContain("SignedInfo References (ok/all): 1/1");
    expect(ok.code, ok.output).toBe(0);
    // The same command with another key fails: it was the proof key that verified.
    expect((await verify("wrong.key")).code).not.toBe(0);
    // And a timestamp changed after signing fails.
    const changedMessage = message.replace(
      /<u:Created>(\d{4})/,
      (_, y) => `<u:Created>${Number(y) + 1}`,
    );
    expect(changedMessage).not.toBe(message);
    writeFileSync(file("changed.xml"), changedMessage);
    const changed = await xmlsec1([
      "--verify",
      "--hmackey",
      "proof.key",
      "--id-attr:Id",
      `${WSU}:Timestamp`,
      "--node-xpath",
      ENDORSING,
      "changed.xml",
    ]);
    expect(changed.code).not.toBe(0);
  });

  it("the assertion's RSA signature, given the issuer's certificate, in the message as sent", async () => {
    writeFileSync(file("message.xml"), message);
    writeFileSync(file("issuer.pem"), issuer.certPem);
    writeFileSync(file("other.pem"), other.certPem);
    const verify = (cert: string) =>
      xmlsec1([
        "--verify",
        "--pubkey-cert-pem",
        cert,
        "--id-attr:AssertionID",
        `${SAML}:Assertion`,
        "--node-xpath",
        ASSERTION_SIGNATURE,
        "message.xml",
      ]);
    const ok = await verify("issuer.pem");
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toContain("SignedInfo References (ok/all): 1/1");
    expect((await verify("other.pem")).code).not.toBe(0);
  });
});
