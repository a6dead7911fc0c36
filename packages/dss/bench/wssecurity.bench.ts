/**
 * `pnpm bench` for @trustspec/dss: the cost per call of the Sign Service's WS-Security, against
 * bare `node:crypto` doing the same cryptographic work on prebuilt bytes (interleaved rounds,
 * medians, one process).
 *
 * - `token/transport/nosc` (endorsing signature): the client's header (a timestamp, the assertion,
 *   an HMAC-SHA1 signature over the timestamp) then the service's check of it (the assertion's RSA
 *   signature remembered after its first check, as a service does with `verifiedAssertions`;
 *   timestamp, audience, lifetime and the HMAC checked every call). Baseline: SHA-1 of the
 *   timestamp, HMAC-SHA1 of a SignedInfo, and the same two again with a constant-time compare.
 * - `token/nosc` (symmetric binding): a request protected (timestamp, Action and body signed,
 *   body and signature encrypted with AES-256-CBC) then opened by the service. Baseline: three
 *   SHA-1 digests, one HMAC-SHA1, AES-256-CBC encryption of the body and the signature, then the
 *   same decrypted and checked.
 *
 * So each ratio is "our XML security" over "its cryptography alone": what canonicalisation, XML
 * parsing and building the messages add. Reproduce: `pnpm bench` (or
 * `pnpm --filter @trustspec/dss bench`).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { buildEnvelope, parseEnvelope } from "@trustspec/runtime/soap";
import { DssEmulator } from "../src/emulator/index.js";
import {
  openSymmetric,
  protectSymmetric,
  ReplayCache,
  transportSecurityHeader,
  verifyTransportSecurity,
} from "../src/wssecurity/index.js";

const emulator = await DssEmulator.create();
const token = emulator.issueSamlToken("demo");
const key = Buffer.from(token.proofKey, "base64");
const proofKey = (id: string) => emulator.state.samlTokens.get(id)?.proofKey;
const assertion = {
  issuerKey: emulator.stsCertificatePem,
  issuer: emulator.stsIssuer,
  audiences: [token.appliesTo],
  verifiedAssertions: new ReplayCache(),
};
const body = `<SignDocument xmlns="http://dss.cryptopro.ru/services/2014/06/"><document>${randomBytes(2048).toString("base64")}</document><certificateID>6444</certificateID></SignDocument>`;
const action = `<a:Action xmlns:a="http://www.w3.org/2005/08/addressing" s:mustUnderstand="1">http://dss.cryptopro.ru/services/2014/06/ISignService/SignDocument</a:Action>`;

async function transport(): Promise<void> {
  const envelope = buildEnvelope("1.2", body, [action, transportSecurityHeader({ token })]);
  await verifyTransportSecurity(envelope, { ...assertion, proofKey });
}

async function symmetric(): Promise<void> {
  const request = protectSymmetric({ token, includeToken: true, headers: [action], body });
  const opened = await openSymmetric(request, { proofKey, assertion });
  if (opened.tokenId !== token.keyIdentifier) throw new Error("opened with another token");
}

// The baselines: the same digests, MACs and ciphers over bytes prepared once.
const timestampBytes = Buffer.from(
  `<u:Timestamp xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" u:Id="_0"><u:Created>2026-12-03T10:00:00.000Z</u:Created><u:Expires>2026-12-03T10:05:00.000Z</u:Expires></u:Timestamp>`,
);
const signedInfo = (digests: string[]) =>
  Buffer.from(
    `<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#">${digests.map((d, i) => `<Reference URI="#_${i}"><DigestValue>${d}</DigestValue></Reference>`).join("")}</SignedInfo>`,
  );
const sha1 = (b: Buffer) => createHash("sha1").update(b).digest("base64");
const hmac = (b: Buffer) => createHmac("sha1", key).update(b).digest();

function bareTransport(): void {
  const mac = hmac(signedInfo([sha1(timestampBytes)]));
  const again = hmac(signedInfo([sha1(timestampBytes)]));
  if (!timingSafeEqual(mac, again)) throw new Error("mismatch");
}

const actionBytes = Buffer.from(action);
const bodyBytes = Buffer.from(body);
function aes(plain: Buffer): Buffer {
  const iv = randomBytes(16);
  const c = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, c.update(plain), c.final()]);
}
function unaes(data: Buffer): Buffer {
  const d = createDecipheriv("aes-256-cbc", key, data.subarray(0, 16));
  return Buffer.concat([d.update(data.subarray(16)), d.final()]);
}
function bareSymmetric(): void {
  const info = signedInfo([sha1(timestampBytes), sha1(actionBytes), sha1(bodyBytes)]);
  const mac = hmac(info);
  const encBody = aes(bodyBytes);
  const encSig = aes(Buffer.concat([info, mac]));
  const sig = unaes(encSig);
  const plain = unaes(encBody);
  const check = hmac(signedInfo([sha1(timestampBytes), sha1(actionBytes), sha1(plain)]));
  if (!timingSafeEqual(check, sig.subarray(sig.length - 20))) throw new Error("mismatch");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(
  label: string,
  ours: () => Promise<void>,
  bare: () => void,
  rounds: number,
): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await ours();
    bare();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Bare crypto is a few microseconds: time a batch of 20 to get above the timer's grain.
    const sides = i % 2 ? (["ours", "bare"] as const) : (["bare", "ours"] as const);
    for (const side of sides) {
      const t = performance.now();
      if (side === "ours") await ours();
      else for (let k = 0; k < 20; k++) bare();
      const ms = performance.now() - t;
      (side === "ours" ? a : b).push(side === "ours" ? ms : ms / 20);
    }
  }
  const o = median(a);
  const r = median(b);
  console.log(
    `${label}: ${(o * 1000).toFixed(0)} µs per call vs bare node:crypto ${(r * 1000).toFixed(1)} µs, ratio ${(o / r).toFixed(0)}x`,
  );
}

try {
  // Sanity: the envelopes built above are well-formed SOAP 1.2.
  parseEnvelope(buildEnvelope("1.2", body, [action]), "1.2");
  await compare(
    "WS-Security token/transport/nosc, sign + verify the endorsing signature",
    transport,
    bareTransport,
    300,
  );
  await compare(
    "WS-Security token/nosc, protect + open a SignDocument request",
    symmetric,
    bareSymmetric,
    300,
  );
} finally {
  await emulator.close();
}
