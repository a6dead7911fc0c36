/**
 * A GOST test PKI: a self-signed GOST R 34.10-2012 CA and the end-entity certificates it issues,
 * signed with Streebog (id-tc26-signwithdigest-gost3410-12-256/512), for tests and emulators.
 * Names, validity, serial numbers and extensions are those of the RSA/ECDSA test PKI
 * (`createTestCa`, `issueCertificate`): basicConstraints, keyUsage, extKeyUsage and key
 * identifiers; only the keys and the engine that signs are GOST's.
 */

import { buildCertificate, parseCertificate, validity } from "../certificates.js";
import { buildName } from "../names.js";
import { gostEngine } from "./engine.js";
import {
  type GostKeyPair,
  type GostPrivateKey,
  type GostPublicKey,
  generateGostKeyPair,
  gostPublicKeyInfo,
} from "./keys.js";
import type { GostKeyLength } from "./params.js";

/** A GOST certificate with its keys. */
export interface GostKeyAndCertificate {
  /** The certificate, DER. */
  certificate: Uint8Array;
  /** The certificate's private key. */
  privateKey: GostPrivateKey;
  /** The certificate's public key. */
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

function keysFor(options: GostCertificateOptions): GostKeyPair {
  return options.keys ?? generateGostKeyPair(options.length ?? 256, { paramSet: options.paramSet });
}

/**
 * A self-signed GOST test CA (basicConstraints cA, keyCertSign and cRLSign).
 * @throws {CmsInputError} for an empty subject, a parameter set this module cannot use or a
 *   non-positive validity.
 */
export async function createGostTestCa(
  options: GostCertificateOptions,
): Promise<GostKeyAndCertificate> {
  const period = validity(options.now, options.validDays ?? 3650);
  const subject = buildName(options.subject);
  const keys = keysFor(options);
  const certificate = await buildCertificate({
    subject,
    validity: period,
    spki: gostPublicKeyInfo(keys.publicKey),
    signingKey: keys.privateKey,
    engine: gostEngine(),
  });
  return { certificate, ...keys };
}

/**
 * An end-entity GOST certificate issued by `ca` (digitalSignature, nonRepudiation, keyAgreement;
 * clientAuth and emailProtection), for a new key pair of `options.length` bits or `options.keys`.
 * @throws {CmsFormatError} when the CA certificate cannot be parsed.
 * @throws {CmsInputError} as {@link createGostTestCa}.
 */
export async function issueGostCertificate(
  ca: GostKeyAndCertificate,
  options: GostCertificateOptions,
): Promise<GostKeyAndCertificate> {
  const issuer = parseCertificate(ca.certificate);
  const period = validity(options.now, options.validDays ?? 365);
  const keys = keysFor(options);
  // digitalSignature, nonRepudiation, keyAgreement: the default usage of an issued certificate.
  const certificate = await buildCertificate({
    issuer,
    subject: buildName(options.subject),
    validity: period,
    spki: gostPublicKeyInfo(keys.publicKey),
    signingKey: ca.privateKey,
    engine: gostEngine(),
  });
  return { certificate, ...keys };
}
