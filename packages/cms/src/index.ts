/**
 * CMS and X.509: CAdES-BES CMS SignedData and its verification, CMS EnvelopedData, a test PKI
 * (self-signed CA, issued certificates, PKCS#10 requests) and PEM helpers, on pkijs/asn1js. The
 * code does not depend on the signature algorithm: its cryptography goes through a
 * {@link CmsEngine}. The default engine does RSA 2048 (RSASSA-PKCS1-v1_5, SHA-256) and ECDSA
 * P-256 (SHA-256) over WebCrypto; `gostEngine()` of `@trustspec/cms/gost` adds GOST R
 * 34.10-2012 with Streebog, which WebCrypto lacks.
 *
 * Nothing happens at import; pkijs's crypto engine is set up on first use.
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
  parseCertificate,
} from "./certificates.js";
export {
  type CmsEngine,
  type CmsEngineKey,
  type CmsPrivateKey,
  type CmsSigningAlgorithm,
  webCryptoEngine,
} from "./engine.js";
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
  parseSignedData,
  type SignCmsOptions,
  signCms,
  type VerifyCmsOptions,
  verifyCms,
} from "./signed-data.js";
