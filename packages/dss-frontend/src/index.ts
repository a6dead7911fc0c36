/**
 * The CryptoPro DSS HTTP form API (guide «КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, chapter 1), for the web application that sends its users to DSS to sign,
 * encrypt or decrypt a document, or to make and install a certificate:
 *
 * - form builders (`signFileForm`, `signFilesForm`, `certificateRequestForm`,
 *   `installCertificateForm`, `encryptFileForm`, `decryptFileForm`) that check their input against
 *   the spec, encode Base64 and the `signaturetype` grammar, and measure the post; with
 *   `renderAutoSubmitForm` for the page that posts it;
 * - session tokens for the backpost URL (`createBackpostToken`, `backpostUrl`,
 *   `verifyBackpostToken`);
 * - the backpost receiver: `parseBackpost` and the Fetch handler `createBackpostHandler`
 *   (`@trustspec/dss-frontend/node` has the `node:http` listener, `@trustspec/dss-frontend/verify`
 *   the CMS verifier);
 * - the spec's types and JSON Schemas (`schemas`).
 *
 * Nothing here imports a Node module: the entry runs in browsers, workers and Node alike.
 * @module
 */

export {
  type BackpostContext,
  type BackpostHandlerOptions,
  type BackpostOutcome,
  type BackpostVerification,
  type BackpostVerifier,
  createBackpostHandler,
  DEFAULT_MAX_BACKPOST_BYTES,
  DEFAULT_MAX_PACKAGE_DOCUMENTS,
  type PackageDocument,
  type ParseBackpostOptions,
  parseBackpost,
  type ReturnedFile,
  readLimitedText,
  safeFileName,
} from "./backpost.js";
export { fromBase64, textToBase64, toBase64 } from "./base64.js";
export {
  type BackpostRefusal,
  BackpostRefusedError,
  DssFormInputError,
  DssFormTooLargeError,
} from "./errors.js";
export {
  type CertificateRequestFormOptions,
  certificateRequestForm,
  DEFAULT_MAX_POST_BYTES,
  type DecryptFileFormOptions,
  DSS_FORM_KINDS,
  type DssFile,
  type DssForm,
  type DssFormKind,
  type DssFormOptions,
  decryptFileForm,
  type EncryptFileFormOptions,
  encryptFileForm,
  escapeHtml,
  formBody,
  type InstallCertificateFormOptions,
  installCertificateForm,
  type RenderFormOptions,
  renderAutoSubmitForm,
  type SignFileFormOptions,
  type SignFilesFormOptions,
  signFileForm,
  signFilesForm,
} from "./forms.js";
export { schemas } from "./generated/schemas.gen.js";
export * from "./generated/types.gen.js";
export { encodeSignatureType, parseSignatureType } from "./signature-type.js";
export {
  type BackpostSecret,
  type BackpostTokenClaims,
  backpostUrl,
  type CreateBackpostTokenOptions,
  constantTimeEqual,
  createBackpostToken,
  DEFAULT_TOKEN_PARAMETER,
  DEFAULT_TOKEN_TTL_SECONDS,
  type VerifyBackpostTokenOptions,
  verifyBackpostToken,
} from "./token.js";
