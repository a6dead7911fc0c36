/**
 * GOST R 34.10-2012 key pairs as objects pkijs can carry where it expects a CryptoKey (its
 * engine, {@link GostCryptoEngine}, knows them), with their X.509 and PKCS#8 encodings (RFC 9215):
 * SubjectPublicKeyInfo with the parameter set, the public key as an OCTET STRING of x || y
 * little-endian, and a PKCS#8 PrivateKeyInfo whose key is the little-endian d, as OpenSSL's GOST
 * engine writes it.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { bytesEqual } from "../bytes.js";
import { parseCertificate } from "../certificates.js";
import { CmsFormatError, CmsInputError } from "../errors.js";
import { gostGenerateKey, gostPublicKeyOf } from "./library.js";
import {
  DEFAULT_PARAM_SET,
  type GostKeyLength,
  type GostParamSet,
  keyLengthOfOid,
  OID_GOST3411_12_256,
  oidsOf,
  paramSetByOid,
} from "./params.js";

/** The algorithm of a GOST key, in the shape of a WebCrypto KeyAlgorithm. */
export interface GostKeyAlgorithm {
  readonly name: "GOST R 34.10-2012";
  /** 256 or 512 bits. */
  readonly length: GostKeyLength;
  /** The parameter set's OID. */
  readonly paramSet: string;
}

const secrets = new WeakMap<GostPrivateKey, Uint8Array>();

/**
 * A GOST R 34.10-2012 private key held in memory. The key material is not a property: it does
 * not show in logs, `JSON.stringify` or `util.inspect`; {@link exportGostPrivateKey} writes it.
 */
export class GostPrivateKey {
  readonly type = "private";
  readonly algorithm: GostKeyAlgorithm;
  readonly extractable: boolean;
  readonly usages: readonly string[] = ["sign"];

  constructor(algorithm: GostKeyAlgorithm, d: Uint8Array, extractable = true) {
    this.algorithm = algorithm;
    this.extractable = extractable;
    secrets.set(this, d.slice());
  }

  /** The key's type and algorithm, never the key material. */
  toJSON(): object {
    return { type: this.type, algorithm: this.algorithm };
  }
}

/** The private scalar d, little-endian; for the signing code of this module only. */
export function gostSecret(key: GostPrivateKey): Uint8Array {
  const d = secrets.get(key);
  if (!d) throw new CmsInputError("Not a GOST private key made by this module");
  return d;
}

/** A GOST R 34.10-2012 public key: x || y, each little-endian, as in the certificate. */
export class GostPublicKey {
  readonly type = "public";
  readonly algorithm: GostKeyAlgorithm;
  readonly extractable = true;
  readonly usages: readonly string[] = ["verify"];
  /** x || y, little-endian each (64 bytes for 256-bit keys, 128 for 512-bit ones). */
  readonly raw: Uint8Array;

  constructor(algorithm: GostKeyAlgorithm, raw: Uint8Array) {
    this.algorithm = algorithm;
    this.raw = raw.slice();
  }
}

/** A GOST key pair. */
export interface GostKeyPair {
  privateKey: GostPrivateKey;
  publicKey: GostPublicKey;
}

/** Whether a key object is one of this module's GOST keys. */
export function isGostKey(key: unknown): key is GostPrivateKey | GostPublicKey {
  return key instanceof GostPrivateKey || key instanceof GostPublicKey;
}

function paramSetFor(length: GostKeyLength, paramSet?: string): GostParamSet {
  const set = paramSetByOid(paramSet ?? DEFAULT_PARAM_SET[length]);
  if (!set || set.length !== length) {
    throw new CmsInputError(
      `Unsupported GOST R 34.10-2012 ${length}-bit parameter set: ${paramSet}`,
    );
  }
  return set;
}

/** The curve (node-gost-crypto's name) of a key's parameter set. */
export function curveOf(algorithm: GostKeyAlgorithm): string {
  return paramSetFor(algorithm.length, algorithm.paramSet).curve;
}

/**
 * A new GOST R 34.10-2012 key pair (256 bits on CryptoPro A, 512 bits on tc26 512 A, unless
 * `paramSet` names another supported set).
 */
export function generateGostKeyPair(
  length: GostKeyLength = 256,
  options: { paramSet?: string; extractable?: boolean } = {},
): GostKeyPair {
  const set = paramSetFor(length, options.paramSet);
  const algorithm: GostKeyAlgorithm = { name: "GOST R 34.10-2012", length, paramSet: set.oid };
  const pair = gostGenerateKey(length, set.curve);
  return {
    privateKey: new GostPrivateKey(algorithm, pair.privateKey, options.extractable ?? true),
    publicKey: new GostPublicKey(algorithm, pair.publicKey),
  };
}

/** The public key of a private key. */
export function gostPublicKey(privateKey: GostPrivateKey): GostPublicKey {
  const raw = gostPublicKeyOf(
    privateKey.algorithm.length,
    curveOf(privateKey.algorithm),
    gostSecret(privateKey),
  );
  return new GostPublicKey(privateKey.algorithm, raw);
}

/**
 * The algorithm parameters of RFC 9215 §4: the parameter set, and for 256-bit keys the digest
 * parameter set (id-tc26-gost3411-12-256), as OpenSSL and CryptoPro write them.
 */
function keyParameters(algorithm: GostKeyAlgorithm): asn1js.Sequence {
  const value: asn1js.BaseBlock[] = [new asn1js.ObjectIdentifier({ value: algorithm.paramSet })];
  if (algorithm.length === 256)
    value.push(new asn1js.ObjectIdentifier({ value: OID_GOST3411_12_256 }));
  return new asn1js.Sequence({ value });
}

/** The SubjectPublicKeyInfo of a GOST public key. */
export function gostPublicKeyInfo(key: GostPublicKey): pkijs.PublicKeyInfo {
  return new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: oidsOf(key.algorithm.length).key,
      algorithmParams: keyParameters(key.algorithm),
    }),
    subjectPublicKey: new asn1js.BitString({
      valueHex: new asn1js.OctetString({ valueHex: key.raw.slice().buffer }).toBER(false),
    }),
  });
}

/** Reads the algorithm of a GOST AlgorithmIdentifier (SPKI or PKCS#8); undefined when it is not GOST 2012. */
export function gostAlgorithmOf(
  identifier: pkijs.AlgorithmIdentifier,
): GostKeyAlgorithm | undefined {
  const length = keyLengthOfOid(identifier.algorithmId);
  if (!length) return undefined;
  const params = identifier.algorithmParams;
  const first = params instanceof asn1js.Sequence ? params.valueBlock.value[0] : undefined;
  if (!(first instanceof asn1js.ObjectIdentifier)) {
    throw new CmsInputError("GOST key parameters without a parameter set");
  }
  const set = paramSetFor(length, first.valueBlock.toString());
  return { name: "GOST R 34.10-2012", length, paramSet: set.oid };
}

/**
 * The GOST public key of a SubjectPublicKeyInfo, or `undefined` when the key is not GOST R
 * 34.10-2012.
 * @throws {CmsFormatError} for a GOST key that is malformed.
 * @throws {CmsInputError} for a parameter set this module cannot use.
 */
export function readGostPublicKey(spki: pkijs.PublicKeyInfo): GostPublicKey | undefined {
  const algorithm = gostAlgorithmOf(spki.algorithm);
  if (!algorithm) return undefined;
  const bits = spki.subjectPublicKey.valueBlock.valueHexView;
  const parsed = asn1js.fromBER(bits.slice().buffer);
  const size = algorithm.length / 4;
  if (
    parsed.offset === -1 ||
    !(parsed.result instanceof asn1js.OctetString) ||
    parsed.result.valueBlock.valueHexView.byteLength !== size
  ) {
    throw new CmsFormatError(`A GOST public key must be an OCTET STRING of ${size} bytes`);
  }
  return new GostPublicKey(algorithm, new Uint8Array(parsed.result.valueBlock.valueHexView));
}

/** The PKCS#8 PrivateKeyInfo (DER) of a GOST private key, as OpenSSL's GOST engine reads it. */
export function exportGostPrivateKey(key: GostPrivateKey): Uint8Array {
  if (!key.extractable) throw new CmsInputError("The GOST private key is not extractable");
  const info = new pkijs.PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: oidsOf(key.algorithm.length).key,
      algorithmParams: keyParameters(key.algorithm),
    }),
    privateKey: new asn1js.OctetString({ valueHex: gostSecret(key).slice().buffer }),
  });
  return new Uint8Array(info.toSchema().toBER(false));
}

/**
 * A GOST private key from a PKCS#8 PrivateKeyInfo (DER), with d as an OCTET STRING
 * (little-endian, OpenSSL's form) or wrapped in one, or as an INTEGER (big-endian).
 * @throws {CmsFormatError} when the bytes are not a PKCS#8 PrivateKeyInfo.
 * @throws {CmsInputError} when the key is not a GOST R 34.10-2012 key this module can use.
 */
export function importGostPrivateKey(pkcs8: Uint8Array, extractable = true): GostKeyPair {
  let info: pkijs.PrivateKeyInfo;
  try {
    info = pkijs.PrivateKeyInfo.fromBER(pkcs8.slice().buffer);
  } catch (cause) {
    throw new CmsFormatError("The bytes are not a PKCS#8 PrivateKeyInfo", { cause });
  }
  const algorithm = gostAlgorithmOf(info.privateKeyAlgorithm);
  if (!algorithm) throw new CmsInputError("The PKCS#8 key is not a GOST R 34.10-2012 key");
  const size = algorithm.length / 8;
  let d = new Uint8Array(info.privateKey.valueBlock.valueHexView);
  if (d.byteLength !== size) {
    // Not the raw form: an OCTET STRING or an INTEGER inside the PrivateKey OCTET STRING.
    const inner = asn1js.fromBER(d.slice().buffer);
    if (inner.offset === d.byteLength && inner.result instanceof asn1js.OctetString) {
      d = new Uint8Array(inner.result.valueBlock.valueHexView);
    } else if (inner.offset === d.byteLength && inner.result instanceof asn1js.Integer) {
      d = new Uint8Array(inner.result.valueBlock.valueHexView).reverse();
    }
  }
  while (d.byteLength > size && d[d.byteLength - 1] === 0) d = d.subarray(0, d.byteLength - 1);
  if (d.byteLength > size || d.every((b) => b === 0)) {
    throw new CmsInputError(`A GOST private key must be at most ${size} bytes and not zero`);
  }
  const padded = new Uint8Array(size);
  padded.set(d);
  const privateKey = new GostPrivateKey(algorithm, padded, extractable);
  return { privateKey, publicKey: gostPublicKey(privateKey) };
}

/**
 * Whether a GOST private key is the one of a certificate (DER): its public key equals the
 * certificate's. One scalar multiplication, cheaper than a signature and its verification.
 * @throws {CmsFormatError} when the certificate cannot be parsed.
 */
export function gostKeyMatches(privateKey: GostPrivateKey, certificate: Uint8Array): boolean {
  const key = readGostPublicKey(parseCertificate(certificate).subjectPublicKeyInfo);
  if (!key || key.algorithm.length !== privateKey.algorithm.length) return false;
  return bytesEqual(gostPublicKey(privateKey).raw, key.raw);
}
