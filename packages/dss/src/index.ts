/**
 * @trustspec/dss: typed clients for the CryptoPro DSS Signature Service REST API
 * (specs/dss-signserver) and the DSS identity centre's OAuth 2.0 and confirmation API
 * (specs/dss-sts), generated from their specs.
 */

export {
  AbortError,
  ApiError,
  bearerAuth,
  ConfigurationError,
  cachedToken,
  type IssuedToken,
  TimeoutError,
  type TokenProvider,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime/core";
export * from "./confirmation/index.js";
export * from "./generated/signserver/client.gen.js";
export * from "./generated/signserver/types.gen.js";
export * from "./generated/sts/client.gen.js";
export * from "./generated/sts/types.gen.js";
export * from "./oauth/index.js";
export * from "./policy.js";
export * from "./wstrust/index.js";
