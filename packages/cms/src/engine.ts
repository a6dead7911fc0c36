import * as pkijs from "pkijs";
import { CmsError } from "./errors.js";

let engine: pkijs.CryptoEngine | undefined;

/**
 * The pkijs crypto engine over the platform's WebCrypto (`globalThis.crypto`, Node ≥ 19 and
 * browsers), made on first use, never at import.
 *
 * Every pkijs call in this module gets this engine as its explicit `crypto` argument, so the
 * module does not depend on pkijs's process-wide engine. For the few pkijs paths that read the
 * process-wide engine anyway, it is installed with `pkijs.setEngine` here, once, and only when
 * none is installed yet: an application that set up its own engine (say, one with GOST
 * algorithms) keeps it.
 * @throws {CmsError} when the platform has no WebCrypto.
 */
export function cryptoEngine(): pkijs.CryptoEngine {
  if (engine) return engine;
  const webcrypto: Crypto | undefined = globalThis.crypto;
  if (!webcrypto?.subtle) {
    throw new CmsError("cms_no_webcrypto", "WebCrypto (globalThis.crypto.subtle) is not available");
  }
  const created = new pkijs.CryptoEngine({ name: "trustspec-webcrypto", crypto: webcrypto });
  let installed: unknown;
  try {
    installed = pkijs.getEngine().crypto;
  } catch {
    installed = null;
  }
  if (!installed) pkijs.setEngine(created.name, created);
  engine = created;
  return created;
}

/**
 * A private key that is no WebCrypto `CryptoKey` but that a {@link CmsEngine} signs with, such as
 * `GostPrivateKey` of `@trustspec/cms/gost`: pkijs carries it where it expects a `CryptoKey` and
 * hands it back to the engine, which knows it.
 */
export interface CmsEngineKey {
  /** Always `private`. */
  readonly type: "private";
  /** The key's algorithm; `name` is what error messages show. */
  readonly algorithm: { readonly name: string };
}

/** A private key for signing: a WebCrypto key, or a key object of a {@link CmsEngine}. */
export type CmsPrivateKey = CryptoKey | CmsEngineKey;

/** How a {@link CmsEngine} signs with one key: the digest, and the identifiers it writes. */
export interface CmsSigningAlgorithm {
  /** The digest, by the name the engine's `digest` takes: `SHA-256`, a Streebog name, … */
  hash: string;
  /** The digestAlgorithm OID written into the SignedData; default the one pkijs knows for `hash`. */
  digestAlgorithm?: string;
  /**
   * The signatureAlgorithm OID of the SignerInfo; default the one pkijs writes for the key and
   * `hash` (for GOST, CryptoPro and OpenSSL write the key's algorithm there instead).
   */
  signatureAlgorithm?: string;
}

/**
 * A crypto engine for CMS and certificates: the algorithm-independent code (CAdES-BES
 * attributes, SignedData, verification, chain validation, the test PKI) does its cryptography
 * through `crypto`, and asks `signingAlgorithm` how to sign with a key. The default engine,
 * {@link webCryptoEngine}, does RSA and ECDSA with SHA-256 over WebCrypto; `gostEngine()` of
 * `@trustspec/cms/gost` adds GOST R 34.10-2012 with Streebog. Give one as `engine` to
 * `signCms`, `verifyCms` and the certificate functions.
 */
export interface CmsEngine {
  /** The pkijs crypto engine every pkijs call gets. */
  readonly crypto: pkijs.CryptoEngine;
  /** How to sign with `privateKey`, or `undefined` when this engine cannot sign with it. */
  signingAlgorithm(privateKey: CmsPrivateKey): CmsSigningAlgorithm | undefined;
}

let webCrypto: CmsEngine | undefined;

/**
 * The default {@link CmsEngine}: RSASSA-PKCS1-v1_5 and ECDSA keys (WebCrypto `CryptoKey`s) with
 * SHA-256, over the platform's WebCrypto (pkijs's engine). Made on first use.
 * @throws {CmsError} when the platform has no WebCrypto.
 */
export function webCryptoEngine(): CmsEngine {
  webCrypto ??= {
    crypto: cryptoEngine(),
    signingAlgorithm: (privateKey) => {
      const name = privateKey.algorithm.name.toUpperCase();
      const known = name.startsWith("RSA") || name === "ECDSA" || name === "ECDH";
      return known ? { hash: "SHA-256" } : undefined;
    },
  };
  return webCrypto;
}
