/**
 * Message security of the Sign Service's `token/nosc` binding (symmetric binding, the issued
 * token's proof key as protection token, used directly as the WSDL's policy says or through
 * derived keys): a request protected by the client is verified and decrypted by the service, the
 * service's answer by the client; tampering, a wrong proof key, a plaintext body and a replay are
 * refused. Independently: `xmlsec1` decrypts the body with the proof key (or the derived
 * encryption key) and then verifies the signature over the timestamp and the decrypted body; for
 * derived keys, OpenSSL's TLS1-PRF (the P_SHA-1 of WS-SecureConversation) derives the same keys
 * from the nonces of the message.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openSymmetric,
  protectSymmetric,
  pSha1,
  ReplayCache,
  type SymmetricOpenPolicy,
  WsSecurityError,
} from "../src/wssecurity/index.js";
import { AUDIENCE, ISSUER, issuedToken, makeIssuer } from "./wssecurity-support.js";

const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const LABEL = "WS-SecureConversationWS-SecureConversation";
const BODY =
  '<SignDocument xmlns="http://dss.cryptopro.ru/services/2014/06/"><document>dGVzdA==</document><certificateId>7</certificateId></SignDocument>';
const ACTION =
  '<a:Action xmlns:a="http://www.w3.org/2005/08/addressing" s:mustUnderstand="1">http://dss.cryptopro.ru/services/2014/06/ISignService/SignDocument</a:Action>';

const issuer = makeIssuer();
const T0 = new Date("2026-12-03T10:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const id = "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e";
const token = issuedToken(issuer, { id, notBefore: T0, notOnOrAfter: at(600) });

function servicePolicy(proofKey = token.proofKey): SymmetricOpenPolicy {
  return {
    proofKey: (assertionId) => (assertionId === id ? proofKey : undefined),
    assertion: { issuerKey: issuer.certPem, issuer: ISSUER, audiences: [AUDIENCE] },
    now: () => at(60),
    replayCache: new ReplayCache(),
  };
}
const requestXml = (seconds = 60, derivedKeys = false) =>
  protectSymmetric({
    token,
    includeToken: true,
    headers: [ACTION],
    body: BODY,
    now: () => at(seconds),
    derivedKeys,
  });

async function refused(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WsSecurityError);
  expect((e as WsSecurityError).code).toBe(code);
}

describe.each([
  ["the proof key", false],
  ["derived keys", true],
])("token/nosc message security with %s", (_, derivedKeys) => {
  it("the service verifies and decrypts the request, the client the answer", async () => {
    const request = requestXml(60, derivedKeys);
    expect(request.includes("DerivedKeyToken")).toBe(derivedKeys);
    expect(request).not.toContain("<document>");
    expect(request).toContain(token.tokenXml);
    expect(request).not.toContain(token.proofKey);
    const opened = await openSymmetric(request, servicePolicy());
    expect(opened.body.toString()).toBe(BODY);
    expect(opened.tokenId).toBe(id);
    expect(opened.token?.subject).toBe("user1");
    expect(opened.headers.map((h) => h.localName)).toEqual(["Action"]);

    const answerBody =
      '<SignDocumentResponse xmlns="http://dss.cryptopro.ru/services/2014/06/"><SignDocumentResult>c2ln</SignDocumentResult></SignDocumentResponse>';
    const answer = protectSymmetric({
      token,
      includeToken: false,
      body: answerBody,
      now: () => at(61),
      derivedKeys,
    });
    expect(answer).not.toContain("<saml:Assertion");
    const read = await openSymmetric(answer, {
      proofKey: () => token.proofKey,
      expectedTokenId: id,
      now: () => at(62),
    });
    expect(read.body.toString()).toBe(answerBody);
  });

  it("refuses a wrong proof key, a changed timestamp or ciphertext, a plaintext body and a replay", async () => {
    const request = requestXml(60, derivedKeys);
    await refused(
      openSymmetric(request, servicePolicy(Buffer.alloc(32, 9).toString("base64"))),
      "proof_signature_invalid",
    );
    await refused(
      openSymmetric(
        request.replace(at(360).toISOString(), at(3600).toISOString()),
        servicePolicy(),
      ),
      "proof_signature_invalid",
    );
    const body = request.slice(request.indexOf("<s:Body"));
    const cipher = /<e:CipherValue>([^<]+)<\/e:CipherValue>/.exec(body)![1]!;
    const flipped = Buffer.from(cipher, "base64");
    flipped[20] = flipped[20]! ^ 1; // a bit of the first block after the IV
    await refused(
      openSymmetric(request.replace(cipher, flipped.toString("base64")), servicePolicy()),
      "proof_signature_invalid",
    );
    const plain = request.replace(body, `<s:Body u:Id="_1">${BODY}</s:Body></s:Envelope>`);
    await refused(openSymmetric(plain, servicePolicy()), "invalid_security");
    // An answer protected with another token is not the answer to our request.
    await refused(
      openSymmetric(request, {
        proofKey: () => token.proofKey,
        expectedTokenId: "_other",
        now: () => at(60),
      }),
      "invalid_security",
    );
    const policy = servicePolicy();
    await openSymmetric(request, policy);
    await refused(openSymmetric(request, policy), "replay");
  });

  it("refuses an expired token and a stale message", async () => {
    const policy = servicePolicy();
    policy.now = () => at(1000);
    await refused(openSymmetric(requestXml(1000, derivedKeys), policy), "token_expired");
    const fresh = servicePolicy();
    fresh.now = () => at(1000);
    fresh.maxClockSkewSeconds = 0;
    await refused(
      openSymmetric(requestXml(0, derivedKeys), { ...fresh, assertion: undefined }),
      "message_expired",
    );
  });

  it("signs the WS-Addressing headers, and encrypts the signature unless told not to", async () => {
    const request = requestXml(60, derivedKeys);
    // After the assertion (which carries the issuer's signature), no signature in the clear.
    const afterToken = (xml: string) => xml.slice(xml.indexOf("</saml:Assertion>"));
    expect(afterToken(request)).not.toContain("<ds:Signature");
    // The Action header changed after signing.
    const action = request.replace("ISignService/SignDocument<", "ISignService/DeleteCertificate<");
    expect(action).not.toBe(request);
    await refused(openSymmetric(action, servicePolicy()), "proof_signature_invalid");
    // An addressing header that is not signed.
    const unsigned = request.replace(
      "<o:Security",
      '<a:To xmlns:a="http://www.w3.org/2005/08/addressing">https://elsewhere.example/</a:To><o:Security',
    );
    await refused(openSymmetric(unsigned, servicePolicy()), "invalid_security");
    const clear = protectSymmetric({
      token,
      includeToken: true,
      headers: [ACTION],
      body: BODY,
      now: () => at(60),
      derivedKeys,
      encryptSignature: false,
    });
    expect(afterToken(clear)).toContain("<ds:Signature");
    await expect(openSymmetric(clear, servicePolicy())).resolves.toMatchObject({ tokenId: id });
  });

  it("follows the policy's RequireDerivedKeys", async () => {
    const opened = openSymmetric(requestXml(60, derivedKeys), {
      ...servicePolicy(),
      requireDerivedKeys: true,
    });
    if (derivedKeys) await expect(opened).resolves.toBeTruthy();
    else await refused(opened, "invalid_security");
  });
});

let dir = "";
beforeAll(() => {
  execFileSync(
    "bash",
    [join(import.meta.dirname, "..", "..", "..", "scripts", "setup-xmlsec1.sh")],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  dir = mkdtempSync(join(tmpdir(), "wss-symmetric-"));
}, 600_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        output: `${stdout}${stderr}`,
      });
    });
  });
}

/** xmlsec1 decrypts the body with `encryptKey`, then verifies the signature with `signKey`. */
async function xmlsec1DecryptAndVerify(file: string, encryptKey: string, signKey: string) {
  // The signature first (EncryptSignature), then the body.
  const signature = await run("xmlsec1", [
    "--decrypt",
    "--aeskey",
    encryptKey,
    "--node-xpath",
    "/*/*/*[local-name()='Security']/*[local-name()='EncryptedData']",
    "--output",
    `signature-${file}`,
    file,
  ]);
  expect(signature.code, signature.output).toBe(0);
  const decrypted = await run("xmlsec1", [
    "--decrypt",
    "--aeskey",
    encryptKey,
    "--node-xpath",
    "/*/*[local-name()='Body']/*[local-name()='EncryptedData']",
    "--output",
    `decrypted-${file}`,
    `signature-${file}`,
  ]);
  expect(decrypted.code, decrypted.output).toBe(0);
  const plain = readFileSync(join(dir, `decrypted-${file}`), "utf8");
  expect(plain).toContain("<document>dGVzdA==</document>");
  const verify = (target: string) =>
    run("xmlsec1", [
      "--verify",
      "--hmackey",
      signKey,
      "--id-attr:Id",
      `${WSU}:Timestamp`,
      "--id-attr:Id",
      `${SOAP12}:Body`,
      "--id-attr:Id",
      "http://www.w3.org/2005/08/addressing:Action",
      "--node-xpath",
      "/*/*/*[local-name()='Security']/*[local-name()='Signature']",
      target,
    ]);
  const verified = await verify(`decrypted-${file}`);
  expect(verified.code, verified.output).toBe(0);
  // The timestamp, the Action header and the body.
  expect(verified.output).toContain("SignedInfo References (ok/all): 3/3");
  // With the body still encrypted it does not verify: the signature is over the plaintext body.
  expect((await verify(`signature-${file}`)).code).not.toBe(0);
}

describe("independent check with OpenSSL and xmlsec1", () => {
  it("decrypts the body and verifies the signature with the proof key", async () => {
    writeFileSync(join(dir, "request.xml"), requestXml(60, false));
    writeFileSync(join(dir, "proof.key"), Buffer.from(token.proofKey, "base64"));
    await xmlsec1DecryptAndVerify("request.xml", "proof.key", "proof.key");
  });

  it("derives the same keys, decrypts the body and verifies the signature", async () => {
    const request = requestXml(60, true);
    writeFileSync(join(dir, "request-dk.xml"), request);
    const [sigNonce, encNonce] = [...request.matchAll(/<c:Nonce>([^<]+)<\/c:Nonce>/g)].map(
      (m) => m[1]!,
    );
    const proof = Buffer.from(token.proofKey, "base64");
    // OpenSSL's TLS1-PRF with SHA-1 is P_SHA-1 (RFC 2246 §5).
    const kdf = async (nonce: string, length: number, out: string) => {
      const seed = Buffer.concat([Buffer.from(LABEL), Buffer.from(nonce, "base64")]);
      const r = await run("openssl", [
        "kdf",
        "-keylen",
        String(length),
        "-kdfopt",
        "digest:SHA1",
        "-kdfopt",
        `hexsecret:${proof.toString("hex")}`,
        "-kdfopt",
        `hexseed:${seed.toString("hex")}`,
        "-binary",
        "-out",
        out,
        "TLS1-PRF",
      ]);
      expect(r.code, r.output).toBe(0);
      const key = readFileSync(join(dir, out));
      expect(key.equals(pSha1(proof, seed, length))).toBe(true);
    };
    await kdf(sigNonce!, 24, "sign.key");
    await kdf(encNonce!, 32, "encrypt.key");
    await xmlsec1DecryptAndVerify("request-dk.xml", "encrypt.key", "sign.key");
  });
});
