/**
 * @trustspec/suz/lite: the СУЗ integration registration and the client-token sign-in operations
 * without validation, for bundles that carry only the operations they call. The operation
 * functions have the names and types of the main entry's; their descriptors hold no schemas and
 * no compiled validators. Requests and answers are not checked against the contract: import the
 * operations from `@trustspec/suz` for that. The token providers and `registerInstallation`,
 * which call the validating operations, are the main entry's; `registrationSignature` signs
 * `registerConnection` here too (the signer, e.g. `SoftwareSigner`, comes from the main entry).
 */

export {
  AbortError,
  ApiError,
  ConfigurationError,
  cachedToken,
  headerAuth,
  type IssuedToken,
  TimeoutError,
  type TokenProvider,
  TransportError,
  TrustspecError,
} from "@trustspec/runtime/core";
export * from "./constants.js";
export * from "./generated/client-lite.gen.js";
export * from "./generated/types.gen.js";
export { RegistrationRejectedError, registrationSignature } from "./registration.js";
export type { Signer, SignOptions } from "./signing/signer.js";
export { CLIENT_TOKEN_HEADER, clientTokenAuth } from "./token/provider.js";
