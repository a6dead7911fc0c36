/**
 * @trustspec/dss (work in progress): a typed client for the CryptoPro DSS Signature Service REST
 * API, generated from specs/dss-signserver. The identity-centre (STS) client, token providers and
 * confirmation flows are not here yet.
 */

export {
  AbortError,
  ApiError,
  bearerAuth,
  cachedToken,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime";
export * from "./generated/signserver/client.gen.js";
export * from "./generated/signserver/types.gen.js";
