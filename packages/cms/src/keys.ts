import { cryptoEngine } from "./engine.js";
import { CmsInputError } from "./errors.js";

/** The key algorithms of this module: RSA 2048 (RSASSA-PKCS1-v1_5) or ECDSA on P-256. */
export type KeyAlgorithm = "RSA" | "ECDSA";

/** The WebCrypto parameters each {@link KeyAlgorithm} is made with; signatures use SHA-256. */
const KEY_PARAMS: Readonly<Record<KeyAlgorithm, RsaHashedKeyGenParams | EcKeyGenParams>> = {
  RSA: {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  ECDSA: { name: "ECDSA", namedCurve: "P-256" },
};

/**
 * A new signing key pair (RSA 2048 for RSASSA-PKCS1-v1_5 with SHA-256, or ECDSA P-256).
 * Keys are extractable unless asked otherwise: `decryptCms` re-imports the private key for
 * RSA-OAEP or ECDH (WebCrypto binds a key to one algorithm), and emulators and tests export keys
 * for other tools.
 * @throws {CmsInputError} for an algorithm other than `RSA` or `ECDSA`.
 */
export async function generateKeyPair(
  algorithm: KeyAlgorithm = "RSA",
  extractable = true,
): Promise<CryptoKeyPair> {
  const params = Object.hasOwn(KEY_PARAMS, algorithm) ? KEY_PARAMS[algorithm] : undefined;
  if (!params) throw new CmsInputError(`Unknown key algorithm: ${String(algorithm)}`);
  return cryptoEngine().generateKey(params, extractable, ["sign", "verify"]);
}

/** The {@link KeyAlgorithm} of a WebCrypto key, or `undefined` for other algorithms. */
export function keyAlgorithmOf(key: CryptoKey): KeyAlgorithm | undefined {
  const name = key.algorithm.name.toUpperCase();
  if (name.startsWith("RSA")) return "RSA";
  if (name === "ECDSA" || name === "ECDH") return "ECDSA";
  return undefined;
}

/** The {@link KeyAlgorithm} of a SubjectPublicKeyInfo algorithm OID, or `undefined`. */
export function keyAlgorithmOfOid(oid: string): KeyAlgorithm | undefined {
  if (oid === "1.2.840.113549.1.1.1" || oid === "1.2.840.113549.1.1.10") return "RSA";
  if (oid === "1.2.840.10045.2.1") return "ECDSA";
  return undefined;
}
