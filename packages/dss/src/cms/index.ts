/**
 * CMS and X.509 for tests, emulators and users of DSS: a test PKI (self-signed CA, issued
 * certificates, PKCS#10 requests), CAdES-BES-style CMS SignedData and its verification, CMS
 * EnvelopedData, and PEM helpers. Built on pkijs/asn1js over WebCrypto: RSA 2048
 * (RSASSA-PKCS1-v1_5, SHA-256) and ECDSA P-256 (SHA-256). GOST algorithms, which real DSS
 * servers use, are out of scope: WebCrypto has none.
 *
 * Nothing happens at import; pkijs's crypto engine is set up on first use (see `cryptoEngine`).
 * @module
 */

export {
  attributeTime,
  CMS_OID,
  checkSigningCertificate,
  derSorted,
  signedAttribute,
  signedAttributeValue,
} from "./attributes.js";
export { bytesEqual, compareDer, fromPem, type PemLabel, toPem } from "./bytes.js";
export {
  type CertificateFacts,
  type CreateTestCaOptions,
  createTestCa,
  describeCertificate,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
  type KeyAndCertificate,
} from "./certificates.js";
export {
  type CmsRecipient,
  type CmsRecipientId,
  decryptCms,
  encryptCms,
  listCmsRecipients,
} from "./enveloped-data.js";
export {
  CmsDecryptError,
  type CmsDecryptFailure,
  CmsError,
  CmsFormatError,
  CmsInputError,
} from "./errors.js";
export type { KeyAlgorithm } from "./keys.js";
export {
  type CertificateRequestAndKeys,
  type CertificateRequestFacts,
  type CreateCertificateRequestOptions,
  createCertificateRequest,
  parseCertificateRequest,
} from "./requests.js";
export {
  type CmsSigner,
  type CmsVerifyFailure,
  type CmsVerifyResult,
  type SignCmsOptions,
  signCms,
  type VerifyCmsOptions,
  verifyCms,
} from "./signed-data.js";
