/** PKCS#10 certificate requests (RFC 2986): making one for a new key pair, and reading one. */

import * as pkijs from "pkijs";
import { derFromInput, toArrayBuffer } from "./bytes.js";
import { cryptoEngine } from "./engine.js";
import { CmsFormatError } from "./errors.js";
import { generateKeyPair, type KeyAlgorithm } from "./keys.js";
import { buildName, formatName } from "./names.js";

/** Options of {@link createCertificateRequest}. */
export interface CreateCertificateRequestOptions {
  /** The subject, as "CN=Иван Иванов, O=Test" (most specific first) or just a common name. */
  subject: string;
  /** The key algorithm; default `RSA`. */
  algorithm?: KeyAlgorithm;
  /** Whether the private key can be exported; default `true`. */
  extractable?: boolean;
}

/** A PKCS#10 request and the key pair it was made for. */
export interface CertificateRequestAndKeys {
  /** The request, DER. */
  request: Uint8Array;
  /** The private key that signed the request. */
  privateKey: CryptoKey;
  /** The public key the request is for. */
  publicKey: CryptoKey;
}

/** What {@link parseCertificateRequest} reads from a request. */
export interface CertificateRequestFacts {
  /** The subject, most specific attribute first: "CN=Иван Иванов, O=Test". */
  subject: string;
  /** Whether the request's self-signature verifies with the public key it carries. */
  signatureValid: boolean;
}

/**
 * A pkijs request from DER (PEM or base64 text bytes are accepted too).
 * @throws {CmsFormatError} when the bytes are not a PKCS#10 request.
 */
export function parseRequest(der: Uint8Array): pkijs.CertificationRequest {
  try {
    return pkijs.CertificationRequest.fromBER(toArrayBuffer(derFromInput(der)));
  } catch (cause) {
    throw new CmsFormatError("The bytes are not a PKCS#10 certificate request", { cause });
  }
}

/**
 * Makes a new key pair (RSA 2048 or ECDSA P-256) and a PKCS#10 request for it, signed with
 * SHA-256, with the given subject and an empty attribute set.
 * @throws {CmsInputError} for an empty subject or an unknown algorithm.
 */
export async function createCertificateRequest(
  options: CreateCertificateRequestOptions,
): Promise<CertificateRequestAndKeys> {
  const subject = buildName(options.subject);
  const keys = await generateKeyPair(options.algorithm ?? "RSA", options.extractable ?? true);
  const request = new pkijs.CertificationRequest({ version: 0, subject, attributes: [] });
  await request.subjectPublicKeyInfo.importKey(keys.publicKey, cryptoEngine());
  await request.sign(keys.privateKey, "SHA-256", cryptoEngine());
  return {
    request: new Uint8Array(request.toSchema(true).toBER(false)),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
  };
}

/**
 * Reads a PKCS#10 request: its subject as text and whether its self-signature verifies. A
 * signature with an algorithm WebCrypto cannot check (GOST, say) counts as not valid.
 * @throws {CmsFormatError} when the bytes are not a PKCS#10 request.
 */
export async function parseCertificateRequest(der: Uint8Array): Promise<CertificateRequestFacts> {
  const request = parseRequest(der);
  let signatureValid = false;
  try {
    signatureValid = await request.verify(cryptoEngine());
  } catch {
    signatureValid = false;
  }
  return { subject: formatName(request.subject), signatureValid };
}
