import { TrustspecError } from "@trustspec/runtime/core";

/**
 * Why signing or checking a signature could not be done (a signature that does not verify is not
 * an error: verification answers `valid: false` with a reason):
 * - `bad-key`: a key that is malformed, not extractable where it must be, or not this module's;
 * - `key-mismatch`: the private key does not belong to the certificate;
 * - `unsupported-algorithm`: a key or parameter set this module cannot sign or verify with;
 * - `bad-certificate`: the certificate cannot be parsed;
 * - `bad-signature`: the bytes are not a CMS SignedData (or not base64);
 * - `remote-failed`: the remote signing service (DSS) refused or answered something unusable.
 */
export type SigningErrorCode =
  | "bad-key"
  | "key-mismatch"
  | "unsupported-algorithm"
  | "bad-certificate"
  | "bad-signature"
  | "remote-failed";

/** An error of the signing module; `code` says which kind. Messages never carry key material or PINs. */
export class SigningError extends TrustspecError {
  declare readonly code: SigningErrorCode;
  constructor(code: SigningErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SigningError";
  }
}
