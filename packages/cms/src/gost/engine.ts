/**
 * The GOST engine: a pkijs crypto engine that adds GOST R 34.10-2012 and Streebog to the platform's WebCrypto:
 * GOST keys of {@link GostPrivateKey}/{@link GostPublicKey} sign and verify through
 * node-gost-crypto, everything else goes to pkijs's own WebCrypto engine unchanged. pkijs
 * (certificates, CMS SignedData, chain validation) then works with GOST as with RSA and ECDSA.
 *
 * It is passed explicitly to every pkijs call that needs it and never installed as pkijs's
 * process-wide engine. {@link gostEngine} wraps it as the {@link CmsEngine} that `signCms`,
 * `verifyCms` and the GOST test PKI take.
 */

import type { BitString, OctetString } from "asn1js";
import * as pkijs from "pkijs";
import { type CmsEngine, webCryptoEngine } from "../engine.js";
import { CmsError, CmsInputError } from "../errors.js";
import { curveOf, GostPrivateKey, gostSecret, readGostPublicKey } from "./keys.js";
import { gostSign, gostVerify, streebog } from "./library.js";
import {
  type GostKeyLength,
  keyLengthOfOid,
  oidsOf,
  STREEBOG_256,
  STREEBOG_512,
  streebogOfOid,
} from "./params.js";

function bytesOf(data: BufferSource): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

function lengthOfHash(name: string): GostKeyLength | undefined {
  const upper = name.toUpperCase();
  if (upper === STREEBOG_256) return 256;
  if (upper === STREEBOG_512) return 512;
  return undefined;
}

function nameOf(algorithm: globalThis.AlgorithmIdentifier): string {
  return typeof algorithm === "string" ? algorithm : algorithm.name;
}

/** The engine; see the module comment. */
export class GostCryptoEngine extends pkijs.CryptoEngine {
  constructor(webcrypto: Crypto = globalThis.crypto) {
    if (!webcrypto?.subtle) {
      throw new CmsError("cms_no_webcrypto", "WebCrypto (globalThis.crypto) is not available");
    }
    super({ name: "trustspec-gost", crypto: webcrypto });
  }

  /** The OID of a Streebog hash; other algorithms as pkijs knows them. */
  override getOIDByAlgorithm(algorithm: Algorithm, safety?: boolean, target?: string): string {
    const length = lengthOfHash(algorithm.name);
    if (length) return oidsOf(length).digest;
    return super.getOIDByAlgorithm(algorithm, safety, target);
  }

  override getAlgorithmByOID<T extends Algorithm = Algorithm>(
    oid: string,
    safety?: boolean,
    target?: string,
  ): T {
    const hash = streebogOfOid(oid);
    if (hash) return { name: hash } as T;
    const length = keyLengthOfOid(oid);
    if (length) return { name: "GOST R 34.10-2012", length } as unknown as T;
    return super.getAlgorithmByOID<T>(oid, safety ?? false, target) as T;
  }

  override getHashAlgorithm(signatureAlgorithm: pkijs.AlgorithmIdentifier): string {
    const length = keyLengthOfOid(signatureAlgorithm.algorithmId);
    if (length) return oidsOf(length).hash;
    return super.getHashAlgorithm(signatureAlgorithm);
  }

  /** Hashes with Streebog-256 or -512; other algorithms through WebCrypto. */
  override async digest(
    algorithm: globalThis.AlgorithmIdentifier,
    data: BufferSource,
  ): Promise<ArrayBuffer> {
    const length = lengthOfHash(nameOf(algorithm));
    if (length) return streebog(length, bytesOf(data)).buffer as ArrayBuffer;
    return super.digest(algorithm, data);
  }

  /** The GOST R 34.10-2012 signature algorithm of a {@link GostPrivateKey}; other keys as pkijs does. */
  override async getSignatureParameters(
    privateKey: CryptoKey,
    hashAlgorithm?: string,
  ): Promise<pkijs.CryptoEngineSignatureParams> {
    if (!(privateKey instanceof GostPrivateKey)) {
      return super.getSignatureParameters(privateKey, hashAlgorithm);
    }
    const oids = oidsOf(privateKey.algorithm.length);
    if (hashAlgorithm && lengthOfHash(hashAlgorithm) !== privateKey.algorithm.length) {
      throw new CmsInputError(
        `A ${privateKey.algorithm.length}-bit GOST key signs with ${oids.hash}, not ${hashAlgorithm}`,
      );
    }
    return {
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: oids.signature }),
      parameters: {
        algorithm: { name: privateKey.algorithm.name, hash: { name: oids.hash } } as Algorithm,
        usages: ["sign"],
      },
    };
  }

  /** Signs with a {@link GostPrivateKey}; other keys through WebCrypto. */
  override async signWithPrivateKey(
    data: BufferSource,
    privateKey: CryptoKey,
    parameters: pkijs.CryptoEngineSignWithPrivateKeyParams,
  ): Promise<ArrayBuffer> {
    if (!(privateKey instanceof GostPrivateKey)) {
      return super.signWithPrivateKey(data, privateKey, parameters);
    }
    const { length } = privateKey.algorithm;
    return gostSign(length, curveOf(privateKey.algorithm), gostSecret(privateKey), bytesOf(data))
      .buffer as ArrayBuffer;
  }

  /** Checks a GOST R 34.10-2012 signature; other keys through WebCrypto. */
  override async verifyWithPublicKey(
    data: BufferSource,
    signature: BitString | OctetString,
    publicKeyInfo: pkijs.PublicKeyInfo,
    signatureAlgorithm: pkijs.AlgorithmIdentifier,
    shaAlgorithm?: string,
  ): Promise<boolean> {
    const key = readGostPublicKey(publicKeyInfo);
    if (!key) {
      return super.verifyWithPublicKey(
        data,
        signature,
        publicKeyInfo,
        signatureAlgorithm,
        shaAlgorithm,
      );
    }
    const algorithmLength = keyLengthOfOid(signatureAlgorithm.algorithmId);
    if (algorithmLength !== key.algorithm.length) return false;
    return gostVerify(
      key.algorithm.length,
      curveOf(key.algorithm),
      key.raw,
      new Uint8Array(signature.valueBlock.valueHexView),
      bytesOf(data),
    );
  }
}

let shared: CmsEngine | undefined;

/**
 * The {@link CmsEngine} for GOST R 34.10-2012 (256 and 512 bits) with Streebog, over a
 * {@link GostCryptoEngine}: it signs with a `GostPrivateKey` as CryptoPro and OpenSSL's GOST engine
 * do (digestAlgorithm id-tc26-gost3411-12-256/512, signatureAlgorithm id-tc26-gost3410-12-256/512,
 * an ESSCertIDv2 that names its Streebog hash), and with RSA and ECDSA keys as the default engine
 * does; it verifies all three. Made on first use.
 */
export function gostEngine(): CmsEngine {
  shared ??= {
    crypto: new GostCryptoEngine(),
    signingAlgorithm: (privateKey) => {
      if (!(privateKey instanceof GostPrivateKey)) {
        return webCryptoEngine().signingAlgorithm(privateKey);
      }
      const oids = oidsOf(privateKey.algorithm.length);
      return { hash: oids.hash, digestAlgorithm: oids.digest, signatureAlgorithm: oids.key };
    },
  };
  return shared;
}
