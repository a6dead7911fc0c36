/**
 * The GOST primitives of node-gost-crypto behind a small typed surface: Streebog (GOST R
 * 34.11-2012) and GOST R 34.10-2012 signatures in the byte orders of X.509 and CMS (RFC 9215):
 * private keys and public-key coordinates little-endian, signatures s || r big-endian.
 */

/// <reference path="./node-gost-crypto.d.ts" />
import gost from "node-gost-crypto";
import type { GostKeyLength } from "./params.js";

/** A copy of the bytes as an ArrayBuffer of exactly their length (the library wants that). */
function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/** Streebog-256 or Streebog-512 of `data`, in output byte order (as `openssl dgst` prints it). */
export function streebog(length: GostKeyLength, data: Uint8Array): Uint8Array {
  const digest = gost.gostEngine.getGostDigest({ name: "GOST R 34.11", version: 2012, length });
  return new Uint8Array(digest.digest(buffer(data)));
}

/** Options of {@link gostSign}. */
export interface GostSignOptions {
  /**
   * `data` is already the digest e (little-endian, as Streebog outputs it) rather than the
   * message; for known-answer tests of the signature arithmetic.
   */
  prehashed?: boolean;
  /** The nonce k, little-endian, instead of a random one; for known-answer tests only. */
  k?: Uint8Array;
}

function signer(length: GostKeyLength, curve: string, hash: boolean, k?: Uint8Array) {
  return gost.gostEngine.getGostSign({
    name: "GOST R 34.10",
    version: 2012,
    length,
    namedCurve: curve,
    procreator: "CP",
    ...(hash ? { hash: { name: "GOST R 34.11" as const } } : {}),
    ...(k ? { ukm: buffer(k) } : {}),
  });
}

/**
 * Signs `data` (hashed with Streebog of the key's length unless `prehashed`) with the
 * little-endian private key on the named curve; the signature is s || r, big-endian.
 */
export function gostSign(
  length: GostKeyLength,
  curve: string,
  privateKey: Uint8Array,
  data: Uint8Array,
  options: GostSignOptions = {},
): Uint8Array {
  const s = signer(length, curve, !options.prehashed, options.k);
  return new Uint8Array(s.sign(buffer(privateKey), buffer(data)));
}

/**
 * Checks a signature s || r (big-endian) over `data` with the public key x || y (each
 * little-endian, as in the SubjectPublicKeyInfo); never throws for a malformed signature.
 */
export function gostVerify(
  length: GostKeyLength,
  curve: string,
  publicKey: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
  options: { prehashed?: boolean } = {},
): boolean {
  const size = length / 4;
  if (signature.byteLength !== size || publicKey.byteLength !== size) return false;
  try {
    return signer(length, curve, !options.prehashed).verify(
      buffer(publicKey),
      buffer(signature),
      buffer(data),
    );
  } catch {
    return false;
  }
}

/** A new key pair: the private key d and the public key x || y, little-endian. */
export function gostGenerateKey(
  length: GostKeyLength,
  curve: string,
): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const pair = signer(length, curve, true).generateKey();
  return { privateKey: new Uint8Array(pair.privateKey), publicKey: new Uint8Array(pair.publicKey) };
}

/** The public key x || y (little-endian) of a little-endian private key. */
export function gostPublicKeyOf(
  length: GostKeyLength,
  curve: string,
  privateKey: Uint8Array,
): Uint8Array {
  const s = gost.gostEngine.getGostSign({
    name: "GOST R 34.10",
    version: 2012,
    length,
    namedCurve: curve,
    ukm: buffer(privateKey),
  });
  return new Uint8Array(s.generateKey().publicKey);
}
