/**
 * X.509 certificates for a test PKI: a self-signed CA, end-entity certificates it issues (for a
 * key pair made here or for a PKCS#10 request), and the facts a certificate list shows.
 */

import { sha1 as sha1Digest } from "@noble/hashes/legacy";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { derFromInput, toArrayBuffer, toHex } from "./bytes.js";
import { type CmsEngine, type CmsPrivateKey, cryptoEngine, webCryptoEngine } from "./engine.js";
import { CmsFormatError, CmsInputError } from "./errors.js";
import { generateKeyPair, type KeyAlgorithm, keyAlgorithmOfOid } from "./keys.js";
import { buildName, formatName } from "./names.js";
import { parseRequest } from "./requests.js";

/** A certificate and its key pair: what a CA or a signer holds. */
export interface KeyAndCertificate {
  /** The certificate, DER. */
  certificate: Uint8Array;
  /** The private key (extractable unless made with `extractable: false`). */
  privateKey: CryptoKey;
  /** The public key of the certificate. */
  publicKey: CryptoKey;
}

/** Options of {@link createTestCa}. */
export interface CreateTestCaOptions {
  /** The CA's common name, or a whole subject such as "CN=Test CA, O=Test, C=RU". */
  commonName: string;
  /** The CA's key algorithm; default `RSA`. */
  algorithm?: KeyAlgorithm;
  /** Validity in days from `now`; default 3650. */
  validDays?: number;
  /** The moment the validity starts; default the current time. */
  now?: Date;
  /** Whether the private key can be exported; default `true`. */
  extractable?: boolean;
}

/** Options of {@link issueCertificate}. */
export interface IssueCertificateOptions {
  /**
   * The subject, as "CN=Иван Иванов, O=Test" (most specific first) or just a common name. With a
   * `request`, an empty string takes the request's own subject.
   */
  subject: string;
  /** The key algorithm of a key pair made here; ignored with a `request`. Default `RSA`. */
  algorithm?: KeyAlgorithm;
  /** The serial number, as big-endian bytes or a positive integer; default 16 random bytes. */
  serialNumber?: Uint8Array | number;
  /** Validity in days from `now`; default 365. */
  validDays?: number;
  /** The moment the validity starts; default the current time. */
  now?: Date;
  /** A PKCS#10 request (DER) whose public key the certificate is for. */
  request?: Uint8Array;
  /** Whether a private key made here can be exported; default `true`. */
  extractable?: boolean;
  /**
   * The names a TLS server certificate is for (subjectAltName, RFC 5280 §4.2.1.6): DNS names and
   * IPv4 addresses. With them the certificate's extKeyUsage also has serverAuth.
   */
  subjectAltName?: { dns?: readonly string[]; ip?: readonly string[] };
}

/** What {@link issueCertificate} returns; `privateKey` only when the key pair was made here. */
export interface IssuedCertificate {
  /** The certificate, DER. */
  certificate: Uint8Array;
  /** The private key made for the certificate; absent when the certificate is for a request. */
  privateKey?: CryptoKey;
  /** The certificate's public key. */
  publicKey: CryptoKey;
}

/** The facts of a certificate that a certificate list shows. */
export interface CertificateFacts {
  /** The subject, most specific attribute first: "CN=Иван Иванов, O=Test". */
  subject: string;
  /** The issuer, in the same form. */
  issuer: string;
  /** The serial number: uppercase hex of its value, without a sign byte. */
  serialNumber: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
  /** SHA-1 of the DER certificate, uppercase hex, as Windows and DSS show it. */
  thumbprint: string;
  /** `RSA` or `ECDSA` for keys of those kinds; `undefined` for any other key. */
  keyAlgorithm: KeyAlgorithm | undefined;
  /** Whether basicConstraints marks the certificate as a CA. */
  isCa: boolean;
}

const OID_RSA_ENCRYPTION = "1.2.840.113549.1.1.1";

/**
 * A pkijs certificate from DER (PEM or base64 text bytes are accepted too).
 * @throws {CmsFormatError} when the bytes are not an X.509 certificate.
 */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const bytes = derFromInput(der);
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(bytes));
  } catch (cause) {
    throw new CmsFormatError("The bytes are not an X.509 certificate", { cause });
  }
}

/** DER of a pkijs certificate. */
export function encodeCertificate(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema().toBER(false));
}

/** The value bytes of a positive INTEGER for a serial number given as bytes or a number. */
function serialBytes(serial: Uint8Array | number | undefined): Uint8Array {
  let bytes: Uint8Array;
  if (serial === undefined) {
    bytes = cryptoEngine().getRandomValues(new Uint8Array(16));
    // Positive, and exactly 16 bytes long: clear the sign bit, set the next one.
    bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
    return bytes;
  }
  if (typeof serial === "number") {
    if (!Number.isSafeInteger(serial) || serial <= 0) {
      throw new CmsInputError(`The serial number must be a positive safe integer: ${serial}`);
    }
    const digits: number[] = [];
    for (let n = serial; n > 0; n = Math.floor(n / 256)) digits.unshift(n % 256);
    bytes = new Uint8Array(digits);
  } else {
    let start = 0;
    while (start < serial.byteLength - 1 && serial[start] === 0) start++;
    bytes = serial.slice(start);
    if (bytes.byteLength === 0 || (bytes.byteLength === 1 && bytes[0] === 0)) {
      throw new CmsInputError("The serial number must be positive");
    }
    if (bytes.byteLength > 20) throw new CmsInputError("The serial number is over 20 bytes");
  }
  if ((bytes[0] ?? 0) & 0x80) {
    const signed = new Uint8Array(bytes.byteLength + 1);
    signed.set(bytes, 1);
    bytes = signed;
  }
  return bytes;
}

/** A Time for a date: UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function certificateTime(date: Date): pkijs.Time {
  const year = date.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value: date });
}

/** notBefore (`now`, whole seconds) and notAfter `validDays` later. */
export function validity(
  now: Date | undefined,
  validDays: number,
): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(validDays) || validDays <= 0) {
    throw new CmsInputError(`validDays must be a positive number: ${validDays}`);
  }
  const start = now ?? new Date();
  if (Number.isNaN(start.getTime())) throw new CmsInputError("`now` is not a valid date");
  // Certificates carry whole seconds; rounding down keeps notBefore <= now.
  const notBefore = new Date(Math.floor(start.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + Math.round(validDays * 86_400_000));
  return { notBefore, notAfter };
}

/**
 * The key usage bits as a DER BIT STRING: bit 0 is digitalSignature (RFC 5280 §4.2.1.3), and
 * trailing zero bits are dropped, as DER requires of named bit lists.
 */
export function keyUsage(bits: readonly number[]): asn1js.BitString {
  const bytes = new Uint8Array(2);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const value = bytes[1] === 0 ? bytes.subarray(0, 1) : bytes;
  const last = value[value.byteLength - 1] ?? 0;
  let unusedBits = 0;
  while (unusedBits < 7 && ((last >> unusedBits) & 1) === 0) unusedBits++;
  return new asn1js.BitString({ valueHex: toArrayBuffer(value), unusedBits });
}

const KU_DIGITAL_SIGNATURE = 0;
const KU_NON_REPUDIATION = 1;
const KU_KEY_ENCIPHERMENT = 2;
const KU_KEY_AGREEMENT = 4;
const KU_KEY_CERT_SIGN = 5;
const KU_CRL_SIGN = 6;

/** keyUsage of an end-entity certificate for a key that agrees keys (EC, GOST). */
const KEY_AGREEMENT_USAGE: readonly number[] = [
  KU_DIGITAL_SIGNATURE,
  KU_NON_REPUDIATION,
  KU_KEY_AGREEMENT,
];

function extension(
  extnID: string,
  critical: boolean,
  value: asn1js.BaseBlock | pkijs.PkiObject,
): pkijs.Extension {
  const schema = value instanceof pkijs.PkiObject ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

/** SHA-1, only for key identifiers and thumbprints (never for a signature or a trust decision). */
function sha1(data: Uint8Array): Uint8Array {
  // Synchronous (key identifiers are read synchronously), and the same in Node and in browsers.
  return sha1Digest(data);
}

/** The subject key identifier of RFC 5280 §4.2.1.2 method (1): SHA-1 of the public key bits. */
function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return sha1(spki.subjectPublicKey.valueBlock.valueHexView);
}

/** The subjectKeyIdentifier of a certificate, or one computed from its key when it has none. */
export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array {
  const ski = certificate.extensions?.find((e) => e.extnID === "2.5.29.14");
  if (ski?.parsedValue instanceof asn1js.OctetString) {
    return new Uint8Array(ski.parsedValue.valueBlock.valueHexView);
  }
  return keyIdentifier(certificate.subjectPublicKeyInfo);
}

function isCaCertificate(certificate: pkijs.Certificate): boolean {
  const bc = certificate.extensions?.find((e) => e.extnID === "2.5.29.19");
  return bc?.parsedValue instanceof pkijs.BasicConstraints && bc.parsedValue.cA;
}

/** The extensions of a test CA: cA, keyCertSign + cRLSign + digitalSignature, its key id. */
function caExtensions(keyId: Uint8Array): pkijs.Extension[] {
  const id = () => new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) });
  return [
    extension("2.5.29.19", true, new pkijs.BasicConstraints({ cA: true })),
    extension("2.5.29.15", true, keyUsage([KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN, KU_CRL_SIGN])),
    extension("2.5.29.14", false, id()),
    extension("2.5.29.35", false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: id() })),
  ];
}

/**
 * The extensions of an end-entity certificate: not a CA, the key usage given, clientAuth and
 * emailProtection, its own and its issuer's key identifiers.
 */
function endEntityExtensions(
  usage: readonly number[],
  spki: pkijs.PublicKeyInfo,
  issuer: pkijs.Certificate,
  altName?: IssueCertificateOptions["subjectAltName"],
): pkijs.Extension[] {
  const purposes = ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"];
  return [
    extension("2.5.29.19", false, new pkijs.BasicConstraints({ cA: false })),
    extension("2.5.29.15", true, keyUsage(usage)),
    extension(
      "2.5.29.37",
      false,
      new pkijs.ExtKeyUsage({
        keyPurposes: altName ? ["1.3.6.1.5.5.7.3.1", ...purposes] : purposes,
      }),
    ),
    ...(altName ? [extension("2.5.29.17", false, subjectAltName(altName))] : []),
    extension(
      "2.5.29.14",
      false,
      new asn1js.OctetString({ valueHex: toArrayBuffer(keyIdentifier(spki)) }),
    ),
    extension(
      "2.5.29.35",
      false,
      new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({
          valueHex: toArrayBuffer(subjectKeyIdentifier(issuer)),
        }),
      }),
    ),
  ];
}

/** A subjectAltName of DNS names (dNSName, tag 2) and IPv4 addresses (iPAddress, tag 7). */
function subjectAltName(
  names: NonNullable<IssueCertificateOptions["subjectAltName"]>,
): pkijs.AltName {
  const ips = (names.ip ?? []).map((ip) => {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
      throw new CmsInputError(`Not an IPv4 address: ${ip}`);
    }
    const valueHex = toArrayBuffer(new Uint8Array(parts));
    return new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex }) });
  });
  const dns = (names.dns ?? []).map((name) => new pkijs.GeneralName({ type: 2, value: name }));
  if (dns.length + ips.length === 0) throw new CmsInputError("subjectAltName names nothing");
  return new pkijs.AltName({ altNames: [...dns, ...ips] });
}

/**
 * Builds and signs a v3 certificate through `engine` (default the WebCrypto one, SHA-256): a
 * self-signed CA ({@link caExtensions}) without `issuer`, else an end-entity certificate
 * ({@link endEntityExtensions} with `usage`) issued by the `issuer` certificate's key.
 */
export async function buildCertificate(input: {
  /** The serial number's value bytes; default 16 random bytes. */
  serial?: Uint8Array;
  issuer?: pkijs.Certificate;
  subject: pkijs.RelativeDistinguishedNames;
  validity: { notBefore: Date; notAfter: Date };
  spki: pkijs.PublicKeyInfo;
  usage?: readonly number[];
  /** Makes a TLS server certificate for these names (end-entity only). */
  subjectAltName?: IssueCertificateOptions["subjectAltName"];
  signingKey: CmsPrivateKey;
  engine?: CmsEngine;
}): Promise<Uint8Array> {
  const engine = input.engine ?? webCryptoEngine();
  const algorithm = engine.signingAlgorithm(input.signingKey);
  if (!algorithm) {
    throw new CmsInputError(`Unsupported signing key: ${input.signingKey.algorithm.name}`);
  }
  const { issuer, spki } = input;
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({
      valueHex: toArrayBuffer(input.serial ?? serialBytes(undefined)),
    }),
    issuer: issuer ? issuer.subject : input.subject,
    subject: input.subject,
    notBefore: certificateTime(input.validity.notBefore),
    notAfter: certificateTime(input.validity.notAfter),
    subjectPublicKeyInfo: spki,
    extensions: issuer
      ? endEntityExtensions(input.usage ?? KEY_AGREEMENT_USAGE, spki, issuer, input.subjectAltName)
      : caExtensions(keyIdentifier(spki)),
  });
  await certificate.sign(input.signingKey as CryptoKey, algorithm.hash, engine.crypto);
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

async function publicKeyInfo(publicKey: CryptoKey): Promise<pkijs.PublicKeyInfo> {
  const spki = new pkijs.PublicKeyInfo();
  await spki.importKey(publicKey, cryptoEngine());
  return spki;
}

/**
 * Makes a self-signed test CA: a new key pair (RSA 2048 or ECDSA P-256, signing with SHA-256)
 * and a v3 certificate with basicConstraints `cA` (critical), keyUsage keyCertSign, cRLSign and
 * digitalSignature (critical), and subject and authority key identifiers.
 * @throws {CmsInputError} for an empty name, an unknown algorithm or a non-positive validity.
 */
export async function createTestCa(options: CreateTestCaOptions): Promise<KeyAndCertificate> {
  const period = validity(options.now, options.validDays ?? 3650);
  const subject = buildName(options.commonName);
  const keys = await generateKeyPair(options.algorithm ?? "RSA", options.extractable ?? true);
  const spki = await publicKeyInfo(keys.publicKey);
  const signingKey = keys.privateKey;
  const certificate = await buildCertificate({ subject, validity: period, spki, signingKey });
  return { certificate, privateKey: keys.privateKey, publicKey: keys.publicKey };
}

/**
 * Issues an end-entity certificate from `ca`: for a key pair made here (then the result has the
 * private key), or for the public key of a PKCS#10 `request` (then it has only the public key).
 *
 * The certificate is v3 with basicConstraints `cA=false`, keyUsage (critical)
 * digitalSignature + nonRepudiation + keyEncipherment for RSA keys or digitalSignature +
 * nonRepudiation + keyAgreement for EC keys (so the certificate serves both CAdES signing and
 * `encryptCms`), extKeyUsage clientAuth + emailProtection, and key identifiers; with
 * `subjectAltName`, also those names and serverAuth (a TLS server certificate). The issuer name
 * is the CA certificate's subject, byte for byte.
 * @throws {CmsFormatError} when the CA certificate or the request is not parseable.
 * @throws {CmsInputError} when the request's self-signature does not verify, its key is neither
 *   RSA nor EC, or the subject, serial, validity or subjectAltName is invalid.
 */
export async function issueCertificate(
  ca: KeyAndCertificate,
  options: IssueCertificateOptions,
): Promise<IssuedCertificate> {
  const caCertificate = parseCertificate(ca.certificate);
  const period = validity(options.now, options.validDays ?? 365);
  const serial = serialBytes(options.serialNumber);

  let spki: pkijs.PublicKeyInfo;
  let subject: pkijs.RelativeDistinguishedNames;
  let keys: { privateKey?: CryptoKey; publicKey: CryptoKey };
  if (options.request) {
    const request = parseRequest(options.request);
    let verified = false;
    try {
      verified = await request.verify(cryptoEngine());
    } catch (cause) {
      throw new CmsInputError("The PKCS#10 request's signature cannot be checked", { cause });
    }
    if (!verified) throw new CmsInputError("The PKCS#10 request's self-signature does not verify");
    spki = request.subjectPublicKeyInfo;
    subject = options.subject.trim() === "" ? request.subject : buildName(options.subject);
    keys = { publicKey: await request.getPublicKey(undefined, cryptoEngine()) };
  } else {
    subject = buildName(options.subject);
    const pair = await generateKeyPair(options.algorithm ?? "RSA", options.extractable ?? true);
    spki = await publicKeyInfo(pair.publicKey);
    keys = { privateKey: pair.privateKey, publicKey: pair.publicKey };
  }

  const algorithm = keyAlgorithmOfOid(spki.algorithm.algorithmId);
  if (!algorithm) {
    throw new CmsInputError(`Unsupported public key algorithm: ${spki.algorithm.algorithmId}`);
  }
  const usage =
    spki.algorithm.algorithmId === OID_RSA_ENCRYPTION
      ? [KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT]
      : KEY_AGREEMENT_USAGE;
  const certificate = await buildCertificate({
    serial,
    issuer: caCertificate,
    subject,
    validity: period,
    spki,
    usage,
    ...(options.subjectAltName ? { subjectAltName: options.subjectAltName } : {}),
    signingKey: ca.privateKey,
  });
  return { certificate, ...keys };
}

/** Uppercase hex of an INTEGER's value without the sign byte(s) DER may put in front. */
export function serialHex(serial: asn1js.Integer): string {
  const bytes = serial.valueBlock.valueHexView;
  let start = 0;
  while (start < bytes.byteLength - 1 && bytes[start] === 0) start++;
  return toHex(bytes.subarray(start));
}

/**
 * The facts of a certificate for a list: subject and issuer as text (most specific attribute
 * first, ", " between attributes), serial number hex, validity, SHA-1 thumbprint (uppercase
 * hex, as Windows and DSS show it), key algorithm and whether it is a CA certificate.
 * PEM or base64 text bytes are accepted as well as DER.
 * @throws {CmsFormatError} when the bytes are not an X.509 certificate.
 */
export function describeCertificate(der: Uint8Array): CertificateFacts {
  const bytes = derFromInput(der);
  const certificate = parseCertificate(bytes);
  return {
    subject: formatName(certificate.subject),
    issuer: formatName(certificate.issuer),
    serialNumber: serialHex(certificate.serialNumber),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    thumbprint: toHex(sha1(bytes)),
    keyAlgorithm: keyAlgorithmOfOid(certificate.subjectPublicKeyInfo.algorithm.algorithmId),
    isCa: isCaCertificate(certificate),
  };
}
