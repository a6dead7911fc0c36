/**
 * @trustspec/dss/lite: the Signature Service REST API and the identity centre's OAuth 2.0 and
 * confirmation API without validation, for bundles that carry only the operations they call (a
 * browser page that signs in with the authorization code flow and PKCE, then signs a document).
 * The operation functions have the names and types of the main entry's; their descriptors hold
 * no schemas and no compiled validators. Requests and answers are not checked against the
 * contract: import the operations from `@trustspec/dss` for that.
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
} from "@trustspec/runtime/core";
export * from "./generated/signserver/client-lite.gen.js";
export * from "./generated/signserver/types.gen.js";
export * from "./generated/sts/client-lite.gen.js";
export * from "./generated/sts/types.gen.js";
export type { AuthorizeUrlOptions, BuiltAuthorizeUrl } from "./oauth/authorize.js";
export type { OAuthClientCredentials } from "./oauth/credentials.js";
export {
  AuthorizationResponseError,
  type AuthorizationResponseProblem,
  type OAuthErrorCodeOrString,
  OAuthRequestError,
} from "./oauth/errors.js";
export {
  type AuthorizationCodeProviderOptions,
  type AuthorizationPrompt,
  type CodeExchangeOptions,
  DEFAULT_SCOPE,
  type TokenCallOptions,
  type TokenTiming,
  toIssuedToken,
} from "./oauth/grants.js";
export {
  type FormPostPage,
  parseFormPostPage,
  parseImplicitFormPost,
  parseImplicitRedirect,
  tokenResponseFromFields,
} from "./oauth/implicit.js";
export * from "./oauth/lite.js";
export {
  parseAuthorizationRedirect,
  type RedirectCheckOptions,
  redirectParameters,
} from "./oauth/redirect.js";
export * from "./policy.js";
