import { TrustspecError } from "@trustspec/runtime/core";

/**
 * Base class of the CMS module's errors. `code` tells the kind apart without `instanceof`:
 * `cms_format`, `cms_input`, `cms_decrypt`, or `cms_no_webcrypto` (the platform lacks WebCrypto).
 */
export class CmsError extends TrustspecError {
  /**
   * @param code the kind of failure (`cms_format`, `cms_input`, `cms_decrypt`, `cms_no_webcrypto`).
   * @param message what failed, without secrets.
   * @param options.cause the error under it, when there is one.
   */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "CmsError";
  }
}

/**
 * The bytes are not the structure that was expected: not DER/BER at all, not a CMS ContentInfo of
 * the needed content type, not an X.509 certificate, not a PKCS#10 request, not PEM or base64.
 */
export class CmsFormatError extends CmsError {
  /**
   * @param message what was expected and what was found.
   * @param options.cause the parser's own error, when there is one.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super("cms_format", message, options);
    this.name = "CmsFormatError";
  }
}

/**
 * The arguments cannot be used: a subject that names an unknown attribute, a key of an algorithm
 * this module does not handle, a PKCS#10 request whose self-signature does not verify, a
 * non-positive validity.
 */
export class CmsInputError extends CmsError {
  /**
   * @param message what is wrong with the input.
   * @param options.cause the underlying error, when there is one.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super("cms_input", message, options);
    this.name = "CmsInputError";
  }
}

/**
 * Why {@link CmsDecryptError} was thrown:
 * - `not-a-recipient`: the EnvelopedData has no RecipientInfo for the given certificate;
 * - `key-unusable`: the private key cannot be used for this key-transport or key-agreement
 *   algorithm (for example a non-extractable signing key, see `decryptCms`);
 * - `decryption-failed`: the key was tried and the content-encryption key or the content did not
 *   decrypt (wrong key for the certificate, damaged message);
 * - `unsupported`: the message uses an algorithm WebCrypto does not offer (for example RSAES
 *   PKCS#1 v1.5 key transport).
 */
export type CmsDecryptFailure =
  | "not-a-recipient"
  | "key-unusable"
  | "decryption-failed"
  | "unsupported";

/** An EnvelopedData could not be decrypted with the given certificate and key. */
export class CmsDecryptError extends CmsError {
  /** Why decryption failed. */
  readonly reason: CmsDecryptFailure;
  /**
   * @param reason the kind of failure.
   * @param message a human-readable explanation.
   * @param options.cause the underlying error, when there is one.
   */
  constructor(reason: CmsDecryptFailure, message: string, options?: { cause?: unknown }) {
    super("cms_decrypt", message, options);
    this.name = "CmsDecryptError";
    this.reason = reason;
  }
}
