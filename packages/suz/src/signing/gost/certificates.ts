/**
 * A GOST test PKI: a self-signed GOST R 34.10-2012 CA and the end-entity certificates it issues,
 * signed with Streebog (id-tc26-signwithdigest-gost3410-12-256/512), for tests and emulators.
 * The extensions follow the RSA/ECDSA test PKI of @trustspec/dss/cms: basicConstraints,
 * keyUsage, extKeyUsage and key identifiers.
 */

import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { SigningError } from "../errors.js";
import { gostEngine } from "./engine.js";
import {
  type GostKeyPair,
  type GostPrivateKey,
  type GostPublicKey,
  generateGostKeyPair,
  gostPublicKeyInfo,
} from "./keys.js";
import { type GostKeyLength, oidsOf } from "./params.js";

/** A GOST certificate with its keys. */
export interface GostKeyAndCertificate {
  /** The certificate, DER. */
  certificate: Uint8Array;
  privateKey: GostPrivateKey;
  publicKey: GostPublicKey;
}

/** Options of {@link createGostTestCa} and {@link issueGostCertificate}. */
export interface GostCertificateOptions {
  /** "CN=…, O=…, C=RU" (most specific first) or a common name. */
  subject: string;
  /** 256 (default) or 512 bits. */
  length?: GostKeyLength;
  /** The parameter set's OID (default CryptoPro A / tc26 512 A). */
  paramSet?: string;
  /** Validity in days from `now` (default 3650 for a CA, 365 otherwise). */
  validDays?: number;
  /** Start of validity (default now). */
  now?: Date;
  /** A key pair to certify instead of a new one. */
  keys?: GostKeyPair;
}

const ATTRIBUTE_TYPES: Readonly<Record<string, string>> = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  G: "2.5.4.42",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  T: "2.5.4.12",
  E: "1.2.840.113549.1.9.1",
  INN: "1.2.643.3.131.1.1",
  OGRN: "1.2.643.100.1",
  SNILS: "1.2.643.100.3",
  INNLE: "1.2.643.100.4",
};

/** A distinguished name from "CN=…, O=…" (most specific first) or a bare common name. */
export function gostName(subject: string): pkijs.RelativeDistinguishedNames {
  const text = subject.trim();
  if (text === "") throw new SigningError("bad-certificate", "The subject is empty");
  const parts = /^[A-Za-z]+=/.test(text) ? text.split(/,\s*(?=[A-Za-z]+=)/) : [`CN=${text}`];
  const typesAndValues = parts.reverse().map((part) => {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim().toUpperCase();
    const type = ATTRIBUTE_TYPES[key];
    if (!type) throw new SigningError("bad-certificate", `Unknown name attribute: ${key}`);
    const value = part.slice(eq + 1).trim();
    const printable =
      key === "C" || key === "INN" || key === "OGRN" || key === "SNILS" || key === "INNLE";
    return new pkijs.AttributeTypeAndValue({
      type,
      value:
        key === "E"
          ? new asn1js.IA5String({ value })
          : printable
            ? new asn1js.PrintableString({ value })
            : new asn1js.Utf8String({ value }),
    });
  });
  return new pkijs.RelativeDistinguishedNames({ typesAndValues });
}

function keyUsage(bits: readonly number[]): asn1js.BitString {
  let value = 0;
  for (const bit of bits) value |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && ((value >> unused) & 1) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([value]).buffer, unusedBits: unused });
}

function extension(extnID: string, critical: boolean, value: asn1js.BaseBlock | pkijs.PkiObject) {
  const schema = value instanceof pkijs.PkiObject ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function keyId(spki: pkijs.PublicKeyInfo): asn1js.OctetString {
  const hash = createHash("sha1").update(spki.subjectPublicKey.valueBlock.valueHexView).digest();
  return new asn1js.OctetString({ valueHex: new Uint8Array(hash).buffer });
}

function randomSerial(): asn1js.Integer {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new asn1js.Integer({ valueHex: bytes.buffer });
}

function time(date: Date): pkijs.Time {
  const year = date.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value: date });
}

async function build(input: {
  issuer: pkijs.RelativeDistinguishedNames;
  issuerKey: GostPrivateKey;
  issuerKeyId: asn1js.OctetString;
  subject: pkijs.RelativeDistinguishedNames;
  keys: GostKeyPair;
  ca: boolean;
  validDays: number;
  now: Date | undefined;
}): Promise<Uint8Array> {
  if (!Number.isFinite(input.validDays) || input.validDays <= 0) {
    throw new SigningError("bad-certificate", `validDays must be positive: ${input.validDays}`);
  }
  const start = input.now ?? new Date();
  const notBefore = new Date(Math.floor(start.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + Math.round(input.validDays * 86_400_000));
  const spki = gostPublicKeyInfo(input.keys.publicKey);
  const ownId = keyId(spki);
  const extensions = input.ca
    ? [
        extension("2.5.29.19", true, new pkijs.BasicConstraints({ cA: true })),
        extension("2.5.29.15", true, keyUsage([0, 5, 6])),
      ]
    : [
        extension("2.5.29.19", false, new pkijs.BasicConstraints({ cA: false })),
        extension("2.5.29.15", true, keyUsage([0, 1, 4])),
        extension(
          "2.5.29.37",
          false,
          new pkijs.ExtKeyUsage({ keyPurposes: ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"] }),
        ),
      ];
  extensions.push(
    extension("2.5.29.14", false, ownId),
    extension(
      "2.5.29.35",
      false,
      new pkijs.AuthorityKeyIdentifier({ keyIdentifier: input.issuerKeyId }),
    ),
  );
  const certificate = new pkijs.Certificate({
    version: 2,
    serialNumber: randomSerial(),
    issuer: input.issuer,
    subject: input.subject,
    notBefore: time(notBefore),
    notAfter: time(notAfter),
    subjectPublicKeyInfo: spki,
    extensions,
  });
  await certificate.sign(
    input.issuerKey as unknown as CryptoKey,
    oidsOf(input.issuerKey.algorithm.length).hash,
    gostEngine(),
  );
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

/** A self-signed GOST test CA (basicConstraints cA, keyCertSign and cRLSign). */
export async function createGostTestCa(
  options: GostCertificateOptions,
): Promise<GostKeyAndCertificate> {
  const keys =
    options.keys ?? generateGostKeyPair(options.length ?? 256, { paramSet: options.paramSet });
  const name = gostName(options.subject);
  const id = keyId(gostPublicKeyInfo(keys.publicKey));
  const certificate = await build({
    issuer: name,
    issuerKey: keys.privateKey,
    issuerKeyId: id,
    subject: name,
    keys,
    ca: true,
    validDays: options.validDays ?? 3650,
    now: options.now,
  });
  return { certificate, ...keys };
}

/**
 * An end-entity GOST certificate issued by `ca` (digitalSignature, nonRepudiation, keyAgreement;
 * clientAuth and emailProtection), for a new key pair of `options.length` bits or `options.keys`.
 */
export async function issueGostCertificate(
  ca: GostKeyAndCertificate,
  options: GostCertificateOptions,
): Promise<GostKeyAndCertificate> {
  let caCertificate: pkijs.Certificate;
  try {
    caCertificate = pkijs.Certificate.fromBER(ca.certificate.slice().buffer);
  } catch (cause) {
    throw new SigningError("bad-certificate", "The CA certificate cannot be parsed", { cause });
  }
  const keys =
    options.keys ?? generateGostKeyPair(options.length ?? 256, { paramSet: options.paramSet });
  const certificate = await build({
    issuer: caCertificate.subject,
    issuerKey: ca.privateKey,
    issuerKeyId: keyId(caCertificate.subjectPublicKeyInfo),
    subject: gostName(options.subject),
    keys,
    ca: false,
    validDays: options.validDays ?? 365,
    now: options.now,
  });
  return { certificate, ...keys };
}
