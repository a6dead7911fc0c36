/**
 * An independent check of a secure session's message security with `xmlsec1`: a request the
 * public client sends on the emulator's `token` endpoint (symmetric binding, keys derived from
 * the session key) is decrypted and its signature verified by the XML Security Library given the
 * derived keys, which the test computes from what the exchange shows it (the RST/SCT and its
 * answer opened with the issued token's proof key: both entropies, the P_SHA-1 session key, the
 * derived keys' nonces).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DssEmulator } from "../src/emulator/index.js";
import { createSignServiceClient, getCertificates } from "../src/soap.js";
import { DEFAULT_DERIVATION_LABEL } from "../src/wssecurity/constants.js";
import { readSctRequest, readSctResponse } from "../src/wssecurity/secureconversation.js";
import { openSymmetric, pSha1 } from "../src/wssecurity/symmetric.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";
import { decrypt, setUpXmlsec1, verifySignature } from "./soap-xmlsec1-support.js";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let dir = "";

beforeAll(async () => {
  dir = setUpXmlsec1("session-xmlsec1-");
  dss = await DssEmulator.create({ ca: await testCa(), keyAlgorithm: "ECDSA" });
  server = await dss.listen({ https: true });
}, 600_000);
afterAll(async () => {
  await server?.close();
  await dss?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
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
    // The session key itself does not decrypt: the derived key does.
    expect((await decrypt(dir, "session.key", "signature", "request.xml", "no.xml")).code).not.toBe(
      0,
    );
    const sig = await decrypt(dir, "enc.key", "signature", "request.xml", "signature.xml");
    expect(sig.code, sig.output).toBe(0);
    const plain = await decrypt(dir, "enc.key", "body", "signature.xml", "plain.xml");
    expect(plain.code, plain.output).toBe(0);
    expect(readFileSync(join(dir, "plain.xml"), "utf8")).toContain("GetCertificates");
    const verify = (key: string) =>
      verifySignature(dir, key, "plain.xml", ["Action", "MessageID", "ReplyTo", "To"]);
    const ok = await verify("sig.key");
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toMatch(/SignedInfo References \(ok\/all\): (\d+)\/\1/);
    expect((await verify("session.key")).code).not.toBe(0);
  });
});
