import { describeCertificate, parseCertificate as parseX509 } from "@trustspec/cms";
import { SigningError } from "./errors.js";

/**
 * A pkijs certificate from DER.
 * @throws {SigningError} `bad-certificate` when the bytes are not a certificate.
 */
export function parseCertificate(der: Uint8Array): ReturnType<typeof parseX509> {
  try {
    return parseX509(der);
  } catch (cause) {
    throw new SigningError("bad-certificate", "The bytes are not an X.509 certificate", { cause });
  }
}

/** The identifiers ИС МДЛП accepts as `user_id` of a resident (excerpt, Table 338, note, line 444). */
export interface CertificateIds {
  /** The serial number in decimal. */
  serialNumber: string;
  /** The SHA-1 thumbprint of the DER certificate, upper-case hex. */
  thumbprint: string;
}

/**
 * The certificate's serial number (decimal) and SHA-1 thumbprint: what to send as `user_id`
 * with `auth_type` SIGNED_CODE.
 * @throws {SigningError} `bad-certificate` when the bytes are not a certificate.
 */
export function certificateIds(certificate: Uint8Array): CertificateIds {
  parseCertificate(certificate);
  const facts = describeCertificate(certificate);
  return {
    serialNumber: BigInt(`0x${facts.serialNumber || "0"}`).toString(10),
    thumbprint: facts.thumbprint,
  };
}
