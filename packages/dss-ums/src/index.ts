/**
 * @trustspec/dss-ums: a typed client for the CryptoPro DSS user management service (UMS) REST API
 * (specs/dss-ums), generated from its spec.
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
export * from "./generated/ums/client.gen.js";
export * from "./generated/ums/types.gen.js";
export * from "./operator.js";
export * from "./search.js";
