/**
 * Signatures for the СУЗ sign-in: the {@link Signer} interface, a software signer (GOST R
 * 34.10-2012 with Streebog, RSA, ECDSA) and a DSS signer (keys held by CryptoPro DSS), CMS
 * verification for all of them, and a GOST test PKI.
 * @module
 */

export { type CertificateIds, certificateIds } from "./certificates.js";
export { DssSigner, type DssSignerOptions } from "./dss.js";
export { SigningError, type SigningErrorCode } from "./errors.js";
export {
  createGostTestCa,
  type GostCertificateOptions,
  type GostKeyAndCertificate,
  issueGostCertificate,
} from "./gost/certificates.js";
export { GostCryptoEngine } from "./gost/engine.js";
export {
  exportGostPrivateKey,
  type GostKeyAlgorithm,
  type GostKeyPair,
  GostPrivateKey,
  GostPublicKey,
  generateGostKeyPair,
  gostPublicKey,
  importGostPrivateKey,
} from "./gost/keys.js";
export { gostSign, gostVerify, streebog } from "./gost/library.js";
export { GOST_PARAM_SETS, type GostKeyLength, type GostParamSet } from "./gost/params.js";
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
