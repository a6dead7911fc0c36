/**
 * The Web Crypto verifier of answer signatures, for browsers, workers and edge runtimes (the
 * `default` target of `#licence-verify`). Web Crypto is asynchronous; each key is imported once by
 * the caller's cache.
 */
import { fromBase64 } from "@trustspec/runtime/core";
import {
  checkedCryptoKey,
  isCryptoKey,
  jwkOf,
  keyError,
  type LicencePublicKey,
  rsaPublicJwk,
  SIGNATURE_ALGORITHM,
  type VerifyKey,
} from "./verify-key.js";

/** Makes `key` ready to verify answers with, or rejects with a `licence_key` error. */
export async function importVerifyKey(key: LicencePublicKey): Promise<VerifyKey> {
  const cryptoKey =
    typeof key === "string"
      ? await importPem(key)
      : isCryptoKey(key)
        ? checkedCryptoKey(key)
        : await importRsaJwk(jwkOf(key));
  const modulusBytes = Math.ceil((cryptoKey.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8);
  return {
    modulusBytes,
    verify: (signature, data) => subtle().verify(SIGNATURE_ALGORITHM, cryptoKey, signature, data),
  };
}

/** Web Crypto's SubtleCrypto, or a clear error where the platform has none. */
function subtle(): SubtleCrypto {
  const found = globalThis.crypto?.subtle;
  if (!found) {
    throw keyError(
      "Web Crypto (crypto.subtle) is not available: browsers offer it only to secure contexts (https or localhost)",
    );
  }
  return found;
}

const PEM = /^-----BEGIN (PUBLIC KEY|PRIVATE KEY)-----([A-Za-z0-9+/=\s]+)-----END \1-----\s*$/;

async function importPem(pem: string): Promise<CryptoKey> {
  const match = PEM.exec(pem.trim());
  const der = match ? fromBase64(match[2] ?? "") : undefined;
  if (!match || !der) {
    throw keyError("the key is not a readable PEM key (a PUBLIC KEY or a PRIVATE KEY)");
  }
  try {
    if (match[1] === "PUBLIC KEY") {
      return await subtle().importKey("spki", der, SIGNATURE_ALGORITHM, false, ["verify"]);
    }
    // A private key: its public half (n, e) verifies.
    const privateKey = await subtle().importKey("pkcs8", der, SIGNATURE_ALGORITHM, true, ["sign"]);
    return await importRsaJwk(await subtle().exportKey("jwk", privateKey));
  } catch (cause) {
    throw keyError("the key is not an RSA key Web Crypto can read", cause);
  }
}

/** Imports the public half (n, e) of an RSA JWK for verification. */
async function importRsaJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  const publicJwk = rsaPublicJwk(jwk);
  try {
    return await subtle().importKey("jwk", publicJwk, SIGNATURE_ALGORITHM, false, ["verify"]);
  } catch (cause) {
    throw keyError("the key is not an RSA key Web Crypto can read", cause);
  }
}
