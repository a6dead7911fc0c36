/**
 * Object identifiers of GOST R 34.10-2012 and GOST R 34.11-2012 in X.509 and CMS (RFC 9215,
 * RFC 4490, R 1323565.1.024-2019), and the elliptic-curve parameter sets this module signs with.
 */

/** Key lengths of GOST R 34.10-2012: 256-bit keys hash with Streebog-256, 512-bit ones with Streebog-512. */
export type GostKeyLength = 256 | 512;

/** id-tc26-gost3410-12-256 / -512: the public-key algorithm (SubjectPublicKeyInfo, SignerInfo). */
export const OID_GOST3410_12_256 = "1.2.643.7.1.1.1.1";
export const OID_GOST3410_12_512 = "1.2.643.7.1.1.1.2";
/** id-tc26-gost3411-12-256 / -512: Streebog. */
export const OID_GOST3411_12_256 = "1.2.643.7.1.1.2.2";
export const OID_GOST3411_12_512 = "1.2.643.7.1.1.2.3";
/** id-tc26-signwithdigest-gost3410-12-256 / -512: the certificate signature algorithms. */
export const OID_SIGN_WITH_DIGEST_256 = "1.2.643.7.1.1.3.2";
export const OID_SIGN_WITH_DIGEST_512 = "1.2.643.7.1.1.3.3";

/** The names this module gives Streebog, as pkijs passes hash names around. */
export const STREEBOG_256 = "GOST R 34.11-2012-256";
export const STREEBOG_512 = "GOST R 34.11-2012-512";

/** A parameter set: its OID, name, key length, and the curve's name in node-gost-crypto. */
export interface GostParamSet {
  readonly oid: string;
  readonly name: string;
  readonly length: GostKeyLength;
  /** The curve in node-gost-crypto's table. */
  readonly curve: string;
}

/**
 * The parameter sets of this module. Several OIDs name one curve: the tc26 256-bit sets B, C, D
 * are the CryptoPro sets A, B, C, and the exchange sets XchA, XchB are CryptoPro A and C. The
 * twisted Edwards sets (tc26 256 A, 512 C) are not supported by the library.
 */
export const GOST_PARAM_SETS: readonly GostParamSet[] = [
  {
    oid: "1.2.643.2.2.35.1",
    name: "id-GostR3410-2001-CryptoPro-A-ParamSet",
    length: 256,
    curve: "S-256-A",
  },
  {
    oid: "1.2.643.2.2.35.2",
    name: "id-GostR3410-2001-CryptoPro-B-ParamSet",
    length: 256,
    curve: "S-256-B",
  },
  {
    oid: "1.2.643.2.2.35.3",
    name: "id-GostR3410-2001-CryptoPro-C-ParamSet",
    length: 256,
    curve: "S-256-C",
  },
  {
    oid: "1.2.643.2.2.36.0",
    name: "id-GostR3410-2001-CryptoPro-XchA-ParamSet",
    length: 256,
    curve: "S-256-A",
  },
  {
    oid: "1.2.643.2.2.36.1",
    name: "id-GostR3410-2001-CryptoPro-XchB-ParamSet",
    length: 256,
    curve: "S-256-C",
  },
  {
    oid: "1.2.643.7.1.2.1.1.2",
    name: "id-tc26-gost-3410-2012-256-paramSetB",
    length: 256,
    curve: "S-256-A",
  },
  {
    oid: "1.2.643.7.1.2.1.1.3",
    name: "id-tc26-gost-3410-2012-256-paramSetC",
    length: 256,
    curve: "S-256-B",
  },
  {
    oid: "1.2.643.7.1.2.1.1.4",
    name: "id-tc26-gost-3410-2012-256-paramSetD",
    length: 256,
    curve: "S-256-C",
  },
  {
    oid: "1.2.643.7.1.2.1.2.1",
    name: "id-tc26-gost-3410-12-512-paramSetA",
    length: 512,
    curve: "T-512-A",
  },
  {
    oid: "1.2.643.7.1.2.1.2.2",
    name: "id-tc26-gost-3410-12-512-paramSetB",
    length: 512,
    curve: "T-512-B",
  },
];

/** The parameter set keys are made with by default: CryptoPro A for 256 bits, tc26 A for 512. */
export const DEFAULT_PARAM_SET: Readonly<Record<GostKeyLength, string>> = {
  256: "1.2.643.2.2.35.1",
  512: "1.2.643.7.1.2.1.2.1",
};

/** The parameter set of an OID, or `undefined` when this module does not know it. */
export function paramSetByOid(oid: string): GostParamSet | undefined {
  return GOST_PARAM_SETS.find((p) => p.oid === oid);
}

/** The key length of a GOST R 34.10-2012 public-key algorithm OID, or `undefined`. */
export function keyLengthOfOid(oid: string): GostKeyLength | undefined {
  if (oid === OID_GOST3410_12_256 || oid === OID_SIGN_WITH_DIGEST_256) return 256;
  if (oid === OID_GOST3410_12_512 || oid === OID_SIGN_WITH_DIGEST_512) return 512;
  return undefined;
}

/** The Streebog name of a digest OID, or `undefined`. */
export function streebogOfOid(oid: string): typeof STREEBOG_256 | typeof STREEBOG_512 | undefined {
  if (oid === OID_GOST3411_12_256) return STREEBOG_256;
  if (oid === OID_GOST3411_12_512) return STREEBOG_512;
  return undefined;
}

/** The key OID, digest OID, signature OID and Streebog name for a key length. */
export function oidsOf(length: GostKeyLength): {
  key: string;
  digest: string;
  signature: string;
  hash: typeof STREEBOG_256 | typeof STREEBOG_512;
} {
  return length === 256
    ? {
        key: OID_GOST3410_12_256,
        digest: OID_GOST3411_12_256,
        signature: OID_SIGN_WITH_DIGEST_256,
        hash: STREEBOG_256,
      }
    : {
        key: OID_GOST3410_12_512,
        digest: OID_GOST3411_12_512,
        signature: OID_SIGN_WITH_DIGEST_512,
        hash: STREEBOG_512,
      };
}
