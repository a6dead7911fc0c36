import { createHash } from "node:crypto";
import { parseCertificate } from "./gost/cms.js";

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
  const parsed = parseCertificate(certificate);
  const serial = parsed.serialNumber.valueBlock.valueHexView;
  const hex = Buffer.from(serial).toString("hex") || "0";
  return {
    serialNumber: BigInt(`0x${hex}`).toString(10),
    thumbprint: createHash("sha1").update(certificate).digest("hex").toUpperCase(),
  };
}
