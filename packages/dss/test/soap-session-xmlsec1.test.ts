/**
 * An independent check of a secure session's message security with `xmlsec1`: a request the
 * public client sends on the emulator's `token` endpoint (symmetric binding, keys derived from
 * the session key) is decrypted and its signature verified by the XML Security Library given the
 * derived keys, which the test computes from what the exchange shows it (the RST/SCT and its
 * answer opened with the issued token's proof key: both entropies, the P_SHA-1 session key, the
 * derived keys' nonces).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DssEmulator } from "../src/emulator/index.js";
import { createSignServiceClient, getCertificates } from "../src/soap.js";
import { DEFAULT_DERIVATION_LABEL } from "../src/wssecurity/constants.js";
import { readSctRequest, readSctResponse } from "../src/wssecurity/secureconversation.js";
import { openSymmetric, pSha1 } from "../src/wssecurity/symmetric.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let dir = "";

beforeAll(async () => {
  execFileSync(
    "bash",
    [join(import.meta.dirname, "..", "..", "..", "scripts", "setup-xmlsec1.sh")],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  dir = mkdtempSync(join(tmpdir(), "session-xmlsec1-"));
  dss = await DssEmulator.create({ ca: await testCa(), keyAlgorithm: "ECDSA" });
  server = await dss.listen({ https: true });
}, 600_000);
afterAll(async () => {
  await server?.close();
  await dss?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile("xmlsec1", args, { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        output: `${stdout}${stderr}`,
      });
    });
  });

/** The derived key a `DerivedKeyToken` (by its wsu:Id) of `message` describes. */
function derivedKey(message: string, id: string, sessionKey: Buffer): Buffer {
  const dk = new RegExp(`<c:DerivedKeyToken [^>]*u:Id="${id}">(.*?)</c:DerivedKeyToken>`).exec(
    message,
  )?.[1];
  const length = Number(/<c:Length>(\d+)<\/c:Length>/.exec(dk ?? "")?.[1]);
  const nonce = Buffer.from(/<c:Nonce>([^<]+)<\/c:Nonce>/.exec(dk ?? "")?.[1] ?? "", "base64");
  expect(length).toBeGreaterThan(0);
  return pSha1(sessionKey, Buffer.concat([Buffer.from(DEFAULT_DERIVATION_LABEL), nonce]), length);
}

describe("xmlsec1 checks a request protected by a secure session (token endpoint)", () => {
  it("decrypts the signature and the body with the derived key, then verifies the signature", async () => {
    const token = dss.issueSamlToken("demo", { lifetimeSeconds: 3600 });
    const trusting = fetchTrusting(dss.caCertificatePem);
    const sent: string[] = [];
    const received: string[] = [];
    const client = createSignServiceClient({
      baseUrl: server.url,
      endpoint: "token",
      token,
      fetch: async (input, init) => {
        sent.push(String(init?.body));
        const res = await trusting(input, init);
        const text = await res.text();
        received.push(text);
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
    await getCertificates(client, {});
    expect(sent.length).toBe(2);

    // The session key, from the RST/SCT and its answer (both protected with the proof key).
    const proofKey = () => token.proofKey;
    const rst = await openSymmetric(sent[0]!, { proofKey });
    const { clientEntropy } = readSctRequest(rst.body);
    const rstr = await openSymmetric(received[0]!, { proofKey });
    const session = readSctResponse(rstr.body, clientEntropy);
    expect(sent[1]).toContain(session.identifier);

    const request = sent[1]!;
    writeFileSync(join(dir, "request.xml"), request);
    writeFileSync(join(dir, "sig.key"), derivedKey(request, "_2", session.key));
    writeFileSync(join(dir, "enc.key"), derivedKey(request, "_3", session.key));
    writeFileSync(join(dir, "session.key"), session.key);
    const decrypt = (key: string, xpath: string, input: string, output: string) =>
      run(["--decrypt", "--aeskey", key, "--node-xpath", xpath, "--output", output, input]);
    const security = "/*/*/*[local-name()='Security']/*[local-name()='EncryptedData']";
    const body = "/*/*[local-name()='Body']/*[local-name()='EncryptedData']";
    // The session key itself does not decrypt: the derived key does.
    expect((await decrypt("session.key", security, "request.xml", "no.xml")).code).not.toBe(0);
    const sig = await decrypt("enc.key", security, "request.xml", "signature.xml");
    expect(sig.code, sig.output).toBe(0);
    const plain = await decrypt("enc.key", body, "signature.xml", "plain.xml");
    expect(plain.code, plain.output).toBe(0);
    expect(readFileSync(join(dir, "plain.xml"), "utf8")).toContain("GetCertificates");
    const verify = (key: string) =>
      run([
        "--verify",
        "--hmackey",
        key,
        "--id-attr:Id",
        `${WSU}:Timestamp`,
        "--id-attr:Id",
        `${SOAP12}:Body`,
        ...["Action", "MessageID", "ReplyTo", "To"].flatMap((h) => ["--id-attr:Id", `${WSA}:${h}`]),
        "--node-xpath",
        "/*/*/*[local-name()='Security']/*[local-name()='Signature']",
        "plain.xml",
      ]);
    const ok = await verify("sig.key");
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toMatch(/SignedInfo References \(ok\/all\): (\d+)\/\1/);
    expect((await verify("session.key")).code).not.toBe(0);
  });
});
