/**
 * Signatures for the СУЗ sign-in: the {@link Signer} interface, a software signer (GOST R
 * 34.10-2012 with Streebog, RSA, ECDSA) and a DSS signer (keys held by CryptoPro DSS), CMS
 * verification for all of them, and a GOST test PKI. The CMS itself is `@trustspec/cms`'s (GOST
 * through its `gostEngine()`).
 * @module
 */

// The GOST keys, engine and test PKI are @trustspec/cms/gost's, under the names this package has
// always exported.
export {
  createGostTestCa,
  exportGostPrivateKey,
  GOST_PARAM_SETS,
  type GostCertificateOptions,
  GostCryptoEngine,
  type GostKeyAlgorithm,
  type GostKeyAndCertificate,
  type GostKeyLength,
  type GostKeyPair,
  type GostParamSet,
  GostPrivateKey,
  GostPublicKey,
  generateGostKeyPair,
  gostPublicKey,
  gostSign,
  gostVerify,
  importGostPrivateKey,
  issueGostCertificate,
  streebog,
} from "@trustspec/cms/gost";
export { type CertificateIds, certificateIds } from "./certificates.js";
export { DssSigner, type DssSignerOptions } from "./dss.js";
export { SigningError, type SigningErrorCode } from "./errors.js";
export { importSigningKey } from "./keys.js";
export { fromBase64, type Signer, type SignOptions, toBase64, toBytes } from "./signer.js";
export { SoftwareSigner, type SoftwareSignerOptions } from "./software.js";
export {
  type CmsVerifyFailure,
  type CmsVerifyResult,
  inspectCmsSignature,
  type SignatureFacts,
  type VerifySignatureOptions,
  verifyCmsSignature,
} from "./verify.js";
