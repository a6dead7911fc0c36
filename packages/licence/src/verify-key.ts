/**
 * What the two verifiers of answer signatures share: the key types a caller may pass, the
 * algorithm the spec names, and the shape of an imported key. `#licence-verify` (package.json
 * `imports`) picks the verifier: `verify-node.ts` (node:crypto, in the calling thread) under Node,
 * `verify-web.ts` (Web Crypto) elsewhere. Neither imports `signature.ts`, so each builds alone.
 */
import { TrustspecError } from "@trustspec/runtime/core";
import { licenceResponseSignature } from "./generated/signature.gen.js";

const { algorithm } = licenceResponseSignature;

/** An algorithm's parameters for Web Crypto and for node:crypto. */
interface AlgorithmParams {
  webCrypto: RsaHashedImportParams;
  nodeDigest: string;
}

/**
 * The parameters of the spec's algorithm. The key is the spec's algorithm as a type: when the
 * spec names another algorithm, this table no longer compiles.
 */
const ALGORITHMS: Record<typeof algorithm, AlgorithmParams> = {
  "RSASSA-PKCS1-v1_5-SHA256": {
    webCrypto: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    nodeDigest: "sha256",
  },
};
/** The Web Crypto import parameters of the spec's algorithm. */
export const SIGNATURE_ALGORITHM = ALGORITHMS[algorithm].webCrypto;
/** The node:crypto digest name of the spec's algorithm. */
export const SIGNATURE_DIGEST = ALGORITHMS[algorithm].nodeDigest;

/**
 * A key answers are checked with: a PEM `PUBLIC KEY` (SPKI) or `PRIVATE KEY` (PKCS#8, its public
 * half is used), a Web Crypto `CryptoKey` (an RSASSA-PKCS1-v1_5 public key), or a key object that
 * exports itself as a JWK, such as Node's `KeyObject` (public or private).
 */
export type LicencePublicKey = string | CryptoKey | JwkExportableKey;

/** A key object that exports itself as a JSON Web Key, as Node's `KeyObject` does. */
export interface JwkExportableKey {
  /** Returns the key as a JWK (for RSA: at least `kty`, `n` and `e`). */
  export(options: { format: "jwk" }): JsonWebKey;
}

/** A key made ready for verification by one of the verifiers. */
export interface VerifyKey {
  /** The length in bytes of the key's modulus, which is the length of its signatures. */
  readonly modulusBytes: number;
  /**
   * Whether `signature` is the spec's signature of `data` under this key; false (never an error)
   * for a signature that does not verify, whatever its bytes.
   */
  verify(
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): boolean | Promise<boolean>;
}

/** The error a key that cannot check answers is rejected with. */
export function keyError(message: string, cause?: unknown): TrustspecError {
  return new TrustspecError("licence_key", message, cause === undefined ? undefined : { cause });
}

/** Whether `key` is a Web Crypto key (where the platform has Web Crypto). */
export function isCryptoKey(key: CryptoKey | JwkExportableKey): key is CryptoKey {
  return typeof CryptoKey !== "undefined" && key instanceof CryptoKey;
}

/** Checks that a given CryptoKey can verify the spec's algorithm. */
export function checkedCryptoKey(key: CryptoKey): CryptoKey {
  const { name, hash } = key.algorithm as RsaHashedKeyAlgorithm;
  if (key.type !== "public" || name !== SIGNATURE_ALGORITHM.name || hash?.name !== "SHA-256") {
    throw keyError(
      `the key is a ${key.type} ${name} key; answers are checked with a public ${SIGNATURE_ALGORITHM.name} SHA-256 key`,
    );
  }
  return key;
}

/** A key object's JWK, or the `licence_key` error when it cannot export one. */
export function jwkOf(key: JwkExportableKey): JsonWebKey {
  try {
    return key.export({ format: "jwk" });
  } catch (cause) {
    throw keyError("the key cannot be exported as a JWK", cause);
  }
}

/** The public half (n, e) of an RSA JWK, or the `licence_key` error for any other key. */
export function rsaPublicJwk(jwk: JsonWebKey): JsonWebKey {
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) {
    throw keyError(`the key is ${jwk.kty ?? "unknown"}, not an RSA key`);
  }
  return { kty: "RSA", n: jwk.n, e: jwk.e, ext: true };
}
