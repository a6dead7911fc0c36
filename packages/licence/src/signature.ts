/**
 * Response signatures of the 1C licensing server (СЛК 3.0) external API.
 *
 * The server signs every answer: the `Licence-Signature` header holds, in base64, an RSA-2048
 * PKCS#1 v1.5 signature with SHA-256 over the bytes of the `Licence-QueryID` header value (sent by
 * the client, echoed by the server) immediately followed by the raw response body. The example in
 * the vendor's document names the header `Licence-QuerySignature`; both names are accepted.
 */

import { fromBase64, TrustspecError } from "@trustspec/runtime/core";
import { importVerifyKey } from "#licence-verify";
import { licenceResponseSignature } from "./generated/signature.gen.js";
import type { LicencePublicKey, VerifyKey } from "./verify-key.js";

export type { JwkExportableKey, LicencePublicKey } from "./verify-key.js";
export { SIGNATURE_ALGORITHM } from "./verify-key.js";

// How answers are signed comes from the spec (x-trustspec-response-signature), not from here.
const { signatureHeader, signatureHeaderAliases, queryIdHeader, signedContent } =
  licenceResponseSignature;

// The verifier and `signedBytes` cover the QueryID followed by the body; when the spec says
// otherwise, this line no longer compiles.
const _signedContent: "queryId+body" = signedContent;

/**
 * The vendor's public key, as printed in «Внешнее API сервера СЛК» 3.0.34 (section «Идентификация
 * запроса и цифровая подпись»). Answers of a genuine licensing server verify with it.
 */
export const LICENCE_VENDOR_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt1STAPAz99fXcOhzGfuf
q9Ctj5o472wlC0R7iboPh8cFyiUS+6DoOTU8HFkpWpAChPy6SncxaFeCypad+1vq
eLk2v/jhE1M8WdotwK61MVQZ4DzxMyZ7JwNUz4ZbObOUCJaD3FwU/nca/p9rCeYj
NER1rYujEgdJ9G7trvdu8r2OzsANsUBmAA65vNLKkONDSMtTr+XaN9L4tp6AfZFu
mRvVPJMEV2rJ2dExs8yiLq6a08Vx8HvlOBmQYRtBBjxycgbFHB74JVZNjqonKSSE
7Zzniil1eETsgtEMCagpC5/JQIcl2lh+NJUB31FCwsATVc+srIuD0kEawpcPvLQ8
OQIDAQAB
-----END PUBLIC KEY-----
`;

/**
 * How a client treats answer signatures: `require` rejects unsigned, badly signed and mismatched
 * answers; `report` lets them through but reports each failure; `off` checks nothing.
 */
export type LicenceSignaturePolicy = "require" | "report" | "off";

/** Why an answer's signature was rejected. */
export type LicenceSignatureFailure =
  | "missing-signature"
  | "invalid-signature"
  | "query-id-mismatch"
  | "missing-query-id"
  | "malformed-signature";

const DEFAULT_MESSAGES: Record<LicenceSignatureFailure, string> = {
  "missing-signature": `the answer carries no ${signatureHeader} (or ${signatureHeaderAliases.join(" or ")}) header`,
  "invalid-signature":
    "the answer's signature does not verify: the answer was altered or signed with another key",
  "query-id-mismatch": `the answer's ${queryIdHeader} differs from the one sent with the request`,
  "missing-query-id": `the answer does not echo the ${queryIdHeader} sent with the request`,
  "malformed-signature": "the answer's signature header is not a well-formed base64 RSA signature",
};

/**
 * An answer of the licensing server failed its signature check. The message names what was wrong
 * and never quotes the answer's body.
 */
export class LicenceSignatureError extends TrustspecError {
  declare readonly reason: LicenceSignatureFailure;
  constructor(reason: LicenceSignatureFailure, message?: string, options?: { cause?: unknown }) {
    super(
      "licence_signature",
      `Licence signature check failed: ${message ?? DEFAULT_MESSAGES[reason]}`,
      options,
    );
    this.name = "LicenceSignatureError";
    this.reason = reason;
  }
}

/**
 * A fresh `Licence-QueryID`: the UTC time to the millisecond (`YYYYMMDDhhmmssSSS`, as the document
 * recommends a time-based id) followed by a random UUID, so ids never repeat. Plain ASCII.
 */
export function createQueryId(): string {
  const now = Date.now();
  const ms = now % 1000;
  const second = now - ms;
  // Formatting a date costs more than the rest of the id: the part down to the second is made
  // once per second and the milliseconds appended.
  if (second !== stampSecond) {
    const iso = new Date(second).toISOString(); // 2020-01-27T23:06:00.000Z
    stampPrefix =
      iso.slice(0, 4) +
      iso.slice(5, 7) +
      iso.slice(8, 10) +
      iso.slice(11, 13) +
      iso.slice(14, 16) +
      iso.slice(17, 19);
    stampSecond = second;
  }
  return `${stampPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}-${randomUuid()}`;
}

let stampSecond = Number.NaN;
let stampPrefix = "";

/** The header carrying an answer's signature, in lower case (as Node names request headers). */
export const SIGNATURE_HEADER = signatureHeader.toLowerCase();
/** Other names the signature is accepted under, in lower case. */
const SIGNATURE_HEADER_ALIASES = signatureHeaderAliases.map((name) => name.toLowerCase());
/** The QueryID header a request sends and its answer echoes, in lower case. */
export const QUERY_ID_HEADER = queryIdHeader.toLowerCase();

/**
 * Checks the signature of one answer of the licensing server and rejects with
 * {@link LicenceSignatureError} when it is missing, malformed, does not verify, or was made for
 * another request (the echoed `Licence-QueryID` differs from `sentQueryId`).
 *
 * `sentQueryId` is the `Licence-QueryID` sent with the request (empty when none was sent: then the
 * signature covers the body alone). `publicKey` defaults to the vendor key. Runs on Web Crypto,
 * hence asynchronous: under Node it verifies with node:crypto in the calling thread, elsewhere with
 * Web Crypto. Each key is imported once and kept.
 */
export async function verifyLicenceSignature(input: {
  sentQueryId: string;
  headers: Headers;
  body: Uint8Array;
  publicKey?: LicencePublicKey;
}): Promise<void> {
  const { sentQueryId, headers, body } = input;
  const signature = signatureOf(headers);
  if (!signature) throw new LicenceSignatureError("missing-signature");

  const echoed = headers.get(QUERY_ID_HEADER);
  if (echoed === null) {
    if (sentQueryId !== "") throw new LicenceSignatureError("missing-query-id");
  } else if (echoed !== sentQueryId) {
    throw new LicenceSignatureError(
      "query-id-mismatch",
      `the answer's ${queryIdHeader} ${quote(echoed)} differs from the one sent, ${quote(sentQueryId)}`,
    );
  }

  const entry = input.publicKey === undefined ? vendorKey() : verifyKeyOf(input.publicKey);
  // A key imported before is used at once, without waiting a turn for its promise.
  const key = entry.key ?? (await entry.ready);
  const signatureBytes = decodeSignature(signature, key.modulusBytes);

  let valid: boolean;
  try {
    const verdict = key.verify(signatureBytes, signedBytes(sentQueryId, body));
    valid = typeof verdict === "boolean" ? verdict : await verdict;
  } catch (cause) {
    throw new LicenceSignatureError("invalid-signature", undefined, { cause });
  }
  if (!valid) throw new LicenceSignatureError("invalid-signature");
}

/** The ASN.1 DigestInfo prefix of a SHA-256 digest (RFC 8017 §9.2, note 1). */
// Pure: a bundle that never parses a block leaves the table out.
const SHA256_DIGEST_INFO = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
  0x00, 0x04, 0x20,
]);

/**
 * Diagnostics: reads an EMSA-PKCS1-v1_5 encoded message (`00 01`, at least eight `FF`, `00`, the
 * SHA-256 DigestInfo prefix, a 32-byte digest, nothing after) and returns the digest, or `null`
 * when the block has any other shape.
 */
export function parseSha256DigestInfoBlock(block: Uint8Array): { digest: Uint8Array } | null {
  const tail = SHA256_DIGEST_INFO.length + 32;
  if (block.length < 2 + 8 + 1 + tail) return null;
  if (block[0] !== 0x00 || block[1] !== 0x01) return null;
  const separator = block.length - tail - 1;
  for (let i = 2; i < separator; i++) if (block[i] !== 0xff) return null;
  if (block[separator] !== 0x00) return null;
  for (let i = 0; i < SHA256_DIGEST_INFO.length; i++) {
    if (block[separator + 1 + i] !== SHA256_DIGEST_INFO[i]) return null;
  }
  return { digest: block.slice(block.length - 32) };
}

/**
 * The bytes a signature covers: the QueryID (header bytes, latin1) followed by the body. Web
 * Crypto takes one buffer, so a QueryID means one copy of the body.
 */
export function signedBytes(queryId: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  // A body on a SharedArrayBuffer is copied: Web Crypto reads only plain buffers.
  if (queryId === "")
    return body.buffer instanceof ArrayBuffer ? (body as Uint8Array<ArrayBuffer>) : body.slice();
  const data = new Uint8Array(queryId.length + body.byteLength);
  for (let i = 0; i < queryId.length; i++) data[i] = queryId.charCodeAt(i) & 0xff;
  data.set(body, queryId.length);
  return data;
}

// ---------------------------------------------------------------------------------------------

/** A random UUID: `crypto.randomUUID` where offered, else one made from `getRandomValues`. */
function randomUuid(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let hex = "";
  for (const byte of b) hex += byte.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The signature header's value, under its own name or an alias; null when none is set. */
function signatureOf(headers: Headers): string | null {
  let value = headers.get(SIGNATURE_HEADER);
  for (const alias of SIGNATURE_HEADER_ALIASES) value ||= headers.get(alias);
  return value;
}

/**
 * Decodes a signature that must be the canonical base64 (standard alphabet, padded) of exactly
 * `size` bytes, or throws `malformed-signature`.
 */
function decodeSignature(text: string, size: number): Uint8Array<ArrayBuffer> {
  const padding = size % 3 === 0 ? "" : size % 3 === 1 ? "==" : "=";
  if (text.length === Math.ceil(size / 3) * 4 && text.endsWith(padding)) {
    const bytes = fromBase64(text);
    if (bytes?.length === size) return bytes;
  }
  throw new LicenceSignatureError(
    "malformed-signature",
    `the signature is not the base64 of a ${size}-byte RSA signature`,
  );
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

const KEY_CACHE_LIMIT = 32;
/** A key being imported, and once imported, the key itself. */
interface KeyEntry {
  ready: Promise<VerifyKey>;
  key?: VerifyKey;
}
const pemKeys = new Map<string, KeyEntry>();
const objectKeys = new WeakMap<object, KeyEntry>();
let vendor: KeyEntry | undefined;

function vendorKey(): KeyEntry {
  vendor ??= verifyKeyOf(LICENCE_VENDOR_PUBLIC_KEY_PEM);
  return vendor;
}

/** The verification key for `key`, imported once per PEM text or key object. */
function verifyKeyOf(key: LicencePublicKey): KeyEntry {
  if (typeof key === "string") {
    let found = pemKeys.get(key);
    if (!found) {
      found = importing(key);
      if (pemKeys.size >= KEY_CACHE_LIMIT) pemKeys.clear();
      pemKeys.set(key, found);
    }
    return found;
  }
  let found = objectKeys.get(key);
  if (!found) {
    found = importing(key);
    objectKeys.set(key, found);
  }
  return found;
}

function importing(key: LicencePublicKey): KeyEntry {
  const entry: KeyEntry = { ready: importVerifyKey(key) };
  // A key that cannot be imported stays a rejected promise, reported to each caller.
  entry.ready.then(
    (imported) => {
      entry.key = imported;
    },
    () => undefined,
  );
  return entry;
}
