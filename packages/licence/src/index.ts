/**
 * @trustspec/licence: a typed client for the 1C licensing server (СЛК 3.0) external API
 * that verifies every answer's signature.
 */
export * from "./generated/client.gen.js";
export * from "./generated/types.gen.js";
export { type LicenceClientOptions, createLicenceClient } from "./client.js";
export {
  createQueryId,
  LICENCE_VENDOR_PUBLIC_KEY_PEM,
  LicenceSignatureError,
  type LicenceSignaturePolicy,
  verifyLicenceSignature,
} from "./signature.js";
export { type LicenceSignatureOptions, licenceSignatureMiddleware } from "./verify-middleware.js";
export {
  ApiError,
  AbortError,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime";
