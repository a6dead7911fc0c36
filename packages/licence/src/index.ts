/**
 * @trustspec/licence: a typed client for the 1C licensing server (СЛК 3.0) external API
 * that verifies every answer's signature.
 */

export {
  AbortError,
  ApiError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime/core";
export { createLicenceClient, type LicenceClientOptions } from "./client.js";
export * from "./generated/client.gen.js";
export { licenceResponseSignature } from "./generated/signature.gen.js";
export * from "./generated/types.gen.js";
export {
  createQueryId,
  type JwkExportableKey,
  LICENCE_VENDOR_PUBLIC_KEY_PEM,
  type LicencePublicKey,
  LicenceSignatureError,
  type LicenceSignatureFailure,
  type LicenceSignaturePolicy,
  verifyLicenceSignature,
} from "./signature.js";
export { type LicenceSignatureOptions, licenceSignatureMiddleware } from "./verify-middleware.js";
