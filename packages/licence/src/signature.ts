/**
 * Response signatures of the 1C licensing server (СЛК 3.0) external API.
 *
 * The server signs every answer: the `Licence-Signature` header holds, in base64, an RSA-2048
 * PKCS#1 v1.5 signature with SHA-256 over the bytes of the `Licence-QueryID` header value (sent by
 * the client, echoed by the server) immediately followed by the raw response body. The example in
 * the vendor's document names the header `Licence-QuerySignature`; both names are accepted.
 */
import {
  createPrivateKey,
  createPublicKey,
  createVerify,
  type KeyObject,
  randomUUID,
  sign,
} from "node:crypto";
import { TrustspecError } from "@trustspec/runtime";
import { licenceResponseSignature } from "./generated/signature.gen.js";

// How answers are signed comes from the spec (x-trustspec-response-signature), not from here.
const { algorithm, signatureHeader, signatureHeaderAliases, queryIdHeader, signedContent } =
  licenceResponseSignature;

/**
 * Node's digest for the spec's algorithm. The key is the spec's algorithm as a type: when the spec
 * names another algorithm, this table no longer compiles.
 */
const DIGESTS: Record<typeof algorithm, string> = { "RSASSA-PKCS1-v1_5-SHA256": "sha256" };
const DIGEST = DIGESTS[algorithm];

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
  readonly reason: LicenceSignatureFailure;
  constructor(reason: LicenceSignatureFailure, message?: string, options?: { cause?: unknown }) {
    super(
      "licence_signature",
      `Licence signature check failed: ${message ?? DEFAULT_MESSAGES[reason]}`,
      options,
    );
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
  return `${stampPrefix}${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}-${randomUUID()}`;
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
 * Checks the signature of one answer of the licensing server and throws
 * {@link LicenceSignatureError} when it is missing, malformed, does not verify, or was made for
 * another request (the echoed `Licence-QueryID` differs from `sentQueryId`).
 *
 * `sentQueryId` is the `Licence-QueryID` sent with the request (empty when none was sent: then the
 * signature covers the body alone). `publicKey` defaults to the vendor key.
 */
export function verifyLicenceSignature(input: {
  sentQueryId: string;
  headers: Headers;
  body: Uint8Array;
  publicKey?: KeyObject | string;
}): void {
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

  const key = input.publicKey === undefined ? vendorKey() : publicKeyOf(input.publicKey);
  const signatureBytes = decodeSignature(signature, rsaKeyInfo(key, "public").modulusBytes);

  let valid: boolean;
  try {
    // Two updates instead of concatenating the QueryID and the body: no copy of the body.
    const verifier = createVerify(DIGEST);
    if (sentQueryId !== "") verifier.update(sentQueryId, "latin1");
    valid = verifier.update(body).verify(key, signatureBytes);
  } catch (cause) {
    throw new LicenceSignatureError("invalid-signature", undefined, { cause });
  }
  if (!valid) throw new LicenceSignatureError("invalid-signature");
}

/**
 * Signs an answer as the licensing server does (RSA PKCS#1 v1.5, SHA-256 over the QueryID followed
 * by the body) and returns the base64 value of `Licence-Signature`. For emulators and tests.
 */
export function signLicenceResponse(input: {
  queryId: string;
  body: Uint8Array;
  privateKey: KeyObject | string;
}): string {
  const key = privateKeyOf(input.privateKey);
  rsaKeyInfo(key, "private");
  return sign(DIGEST, signedBytes(input.queryId, input.body), key).toString("base64");
}

/**
 * Diagnostics: the encoded message an RSA signature opens to under a public key
 * (`signature^e mod n`, as `k` big-endian bytes where `k` is the modulus length). For a genuine
 * PKCS#1 v1.5 SHA-256 signature this is `00 01 FF…FF 00` + DigestInfo + digest, whatever the
 * signed data was; see {@link parseSha256DigestInfoBlock}. Throws
 * {@link LicenceSignatureError} (`malformed-signature`) when the value is not base64 of `k` bytes
 * or is not below the modulus.
 */
export function recoverPkcs1v15Block(
  signatureBase64: string,
  publicKey: KeyObject | string,
): Uint8Array {
  const key = publicKeyOf(publicKey);
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) {
    throw new TrustspecError("licence_key", "the public key is not an RSA key");
  }
  const modulus = Buffer.from(jwk.n, "base64url");
  const n = bytesToBigInt(modulus);
  const e = bytesToBigInt(Buffer.from(jwk.e, "base64url"));
  const k = Math.ceil(bitLength(n) / 8);
  const s = bytesToBigInt(decodeSignature(signatureBase64.replace(/\s+/g, ""), k));
  if (s >= n) {
    throw new LicenceSignatureError(
      "malformed-signature",
      "the signature is not below the modulus",
    );
  }
  return bigIntToBytes(modPow(s, e, n), k);
}

/** The ASN.1 DigestInfo prefix of a SHA-256 digest (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Uint8Array.from([
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

// ---------------------------------------------------------------------------------------------

/** The signature header's value, under its own name or an alias; null when none is set. */
function signatureOf(headers: Headers): string | null {
  let value = headers.get(SIGNATURE_HEADER);
  for (const alias of SIGNATURE_HEADER_ALIASES) value ||= headers.get(alias);
  return value;
}

/** The bytes a signature covers: the QueryID (header bytes, latin1) followed by the body. */
function signedBytes(queryId: string, body: Uint8Array): Buffer {
  if (queryId === "") return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const idLength = Buffer.byteLength(queryId, "latin1");
  const data = Buffer.allocUnsafe(idLength + body.byteLength);
  data.write(queryId, 0, "latin1");
  data.set(body, idLength);
  return data;
}

/**
 * Decodes a signature that must be the canonical base64 (standard alphabet, padded) of exactly
 * `size` bytes, or throws `malformed-signature`. Cheaper than a regular expression: Node's decoder
 * skips characters outside the alphabet and stops at `=`, so with the exact encoded length and
 * padding any stray character leaves fewer than `size` bytes; only the base64url characters `-`
 * and `_`, which Node also decodes, need a check of their own.
 */
function decodeSignature(text: string, size: number): Buffer {
  const padding = size % 3 === 0 ? "" : size % 3 === 1 ? "==" : "=";
  if (
    text.length === Math.ceil(size / 3) * 4 &&
    text.endsWith(padding) &&
    !text.includes("-") &&
    !text.includes("_")
  ) {
    const bytes = Buffer.from(text, "base64");
    if (bytes.length === size) return bytes;
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
const publicKeys = new Map<string, KeyObject>();
const privateKeys = new Map<string, KeyObject>();
let vendor: KeyObject | undefined;

function vendorKey(): KeyObject {
  vendor ??= createPublicKey(LICENCE_VENDOR_PUBLIC_KEY_PEM);
  return vendor;
}

function publicKeyOf(key: KeyObject | string): KeyObject {
  if (typeof key !== "string") return key.type === "private" ? derivePublic(key) : key;
  return cached(publicKeys, key, () => createPublicKey(key));
}

function privateKeyOf(key: KeyObject | string): KeyObject {
  if (typeof key !== "string") return key;
  return cached(privateKeys, key, () => createPrivateKey(key));
}

const derivedPublic = new WeakMap<KeyObject, KeyObject>();
function derivePublic(privateKey: KeyObject): KeyObject {
  let key = derivedPublic.get(privateKey);
  if (!key) {
    key = createPublicKey(privateKey);
    derivedPublic.set(privateKey, key);
  }
  return key;
}

function cached(cache: Map<string, KeyObject>, pem: string, make: () => KeyObject): KeyObject {
  let key = cache.get(pem);
  if (key) return key;
  try {
    key = make();
  } catch (cause) {
    throw new TrustspecError("licence_key", "the key is not a readable PEM key", { cause });
  }
  if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
  cache.set(pem, key);
  return key;
}

interface RsaKeyInfo {
  modulusBytes: number;
}
const keyInfo = new WeakMap<KeyObject, RsaKeyInfo>();

/** Checks once per key that it is a plain RSA key (PKCS#1 v1.5, not RSA-PSS) and notes its size. */
function rsaKeyInfo(key: KeyObject, use: "public" | "private"): RsaKeyInfo {
  let info = keyInfo.get(key);
  if (info) return info;
  if (key.asymmetricKeyType !== "rsa") {
    throw new TrustspecError(
      "licence_key",
      `the ${use} key is ${key.asymmetricKeyType ?? key.type}, not an RSA key`,
    );
  }
  if (use === "private" && key.type !== "private") {
    throw new TrustspecError("licence_key", "signing needs a private key");
  }
  info = { modulusBytes: Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8) };
  keyInfo.set(key, info);
  return info;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(
    `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`,
  );
}

function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, "0");
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}
