/**
 * The node:crypto verifier of answer signatures (the `node` target of `#licence-verify`): each key
 * becomes a `KeyObject` once, and `verify` runs in the calling thread, which on Node is several
 * times cheaper than Web Crypto's round trip through a worker thread.
 */
import { createPublicKey, KeyObject, type JsonWebKey as NodeJwk, verify } from "node:crypto";
import {
  checkedCryptoKey,
  isCryptoKey,
  jwkOf,
  keyError,
  type LicencePublicKey,
  rsaPublicJwk,
  SIGNATURE_DIGEST,
  type VerifyKey,
} from "./verify-key.js";

/** Makes `key` ready to verify answers with, or rejects with a `licence_key` error. */
export async function importVerifyKey(key: LicencePublicKey): Promise<VerifyKey> {
  const keyObject = rsaKeyObject(key);
  const modulusBytes = Math.ceil((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  return {
    modulusBytes,
    verify: (signature, data) => verify(SIGNATURE_DIGEST, data, keyObject, signature),
  };
}

/** The public RSA `KeyObject` of `key`. */
function rsaKeyObject(key: LicencePublicKey): KeyObject {
  if (typeof key === "string") {
    if (!/^-----BEGIN (PUBLIC KEY|PRIVATE KEY)-----/.test(key.trim())) {
      throw keyError("the key is not a readable PEM key (a PUBLIC KEY or a PRIVATE KEY)");
    }
    return checkedRsa(fromPem(key));
  }
  if (isCryptoKey(key)) return checkedRsa(KeyObject.from(checkedCryptoKey(key)));
  if (key instanceof KeyObject) {
    return checkedRsa(key.type === "public" ? key : fromKeyObject(key));
  }
  return fromJwk(rsaPublicJwk(jwkOf(key)));
}

function fromPem(pem: string): KeyObject {
  try {
    // A private key's PEM gives its public half.
    return createPublicKey(pem);
  } catch (cause) {
    throw keyError("the key is not a readable PEM key (a PUBLIC KEY or a PRIVATE KEY)", cause);
  }
}

function fromKeyObject(key: KeyObject): KeyObject {
  try {
    return createPublicKey(key);
  } catch (cause) {
    throw keyError("the key has no public half to verify with", cause);
  }
}

function fromJwk(jwk: JsonWebKey): KeyObject {
  try {
    return createPublicKey({ key: jwk as NodeJwk, format: "jwk" });
  } catch (cause) {
    throw keyError("the key is not an RSA key node:crypto can read", cause);
  }
}

/** The key itself when it is an RSA (PKCS#1 v1.5 capable) key, else the `licence_key` error. */
function checkedRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== "rsa") {
    throw keyError(`the key is ${key.asymmetricKeyType ?? key.type}, not an RSA key`);
  }
  return key;
}
