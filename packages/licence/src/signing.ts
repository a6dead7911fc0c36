/**
 * Signing answers as the licensing server does, and reading a signature open, for emulators,
 * mocks and tests. Node only (`node:crypto`); clients verify with `signature.ts`.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { TrustspecError } from "@trustspec/runtime/core";
import { LicenceSignatureError, signedBytes } from "./signature.js";

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
  if (key.asymmetricKeyType !== "rsa") {
    throw new TrustspecError(
      "licence_key",
      `the private key is ${key.asymmetricKeyType ?? key.type}, not an RSA key`,
    );
  }
  if (key.type !== "private")
    throw new TrustspecError("licence_key", "signing needs a private key");
  return sign("sha256", signedBytes(input.queryId, input.body), key).toString("base64");
}

/**
 * Diagnostics: the encoded message an RSA signature opens to under a public key
 * (`signature^e mod n`, as `k` big-endian bytes where `k` is the modulus length). For a genuine
 * PKCS#1 v1.5 SHA-256 signature this is `00 01 FF…FF 00` + DigestInfo + digest, whatever the
 * signed data was; see `parseSha256DigestInfoBlock`. Throws
 * {@link LicenceSignatureError} (`malformed-signature`) when the value is not base64 of `k` bytes
 * or is not below the modulus.
 */
export function recoverPkcs1v15Block(
  signatureBase64: string,
  publicKey: KeyObject | string,
): Uint8Array {
  let key: KeyObject;
  try {
    key =
      typeof publicKey !== "string" && publicKey.type === "public"
        ? publicKey
        : createPublicKey(publicKey);
  } catch (cause) {
    throw new TrustspecError("licence_key", "the key is not a readable PEM key", { cause });
  }
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) {
    throw new TrustspecError("licence_key", "the public key is not an RSA key");
  }
  const n = bytesToBigInt(Buffer.from(jwk.n, "base64url"));
  const e = bytesToBigInt(Buffer.from(jwk.e, "base64url"));
  const k = Math.ceil(bitLength(n) / 8);
  const text = signatureBase64.replace(/\s+/g, "");
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== k || bytes.toString("base64") !== text) {
    throw new LicenceSignatureError(
      "malformed-signature",
      `the signature is not the base64 of a ${k}-byte RSA signature`,
    );
  }
  const s = bytesToBigInt(bytes);
  if (s >= n) {
    throw new LicenceSignatureError(
      "malformed-signature",
      "the signature is not below the modulus",
    );
  }
  return bigIntToBytes(modPow(s, e, n), k);
}

const KEY_CACHE_LIMIT = 32;
const privateKeys = new Map<string, KeyObject>();

function privateKeyOf(key: KeyObject | string): KeyObject {
  if (typeof key !== "string") return key;
  let found = privateKeys.get(key);
  if (found) return found;
  try {
    found = createPrivateKey(key);
  } catch (cause) {
    throw new TrustspecError("licence_key", "the key is not a readable PEM key", { cause });
  }
  if (privateKeys.size >= KEY_CACHE_LIMIT) privateKeys.clear();
  privateKeys.set(key, found);
  return found;
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
