/**
 * OAuth 2.0 flows of the DSS identity centre, hand-written over the generated STS client: token
 * providers for the password, authorization code and token exchange (delegation) grants, the
 * authorization URL and redirect helpers, the implicit grant's form-post page, the subject JWT,
 * a token cache, and typed OAuth errors.
 */

export {
  type AuthorizeUrlOptions,
  type BuiltAuthorizeUrl,
  buildAuthorizeUrl,
} from "./authorize.js";
export {
  type CachedGrant,
  TokenCache,
  type TokenCacheKey,
  type TokenCacheOptions,
  tokenCacheKey,
} from "./cache.js";
export type { OAuthClientCredentials } from "./credentials.js";
export {
  AuthorizationResponseError,
  type AuthorizationResponseProblem,
  type OAuthErrorCodeOrString,
  OAuthRequestError,
} from "./errors.js";
export {
  type ActorTokenSource,
  type AuthorizationCodeProviderOptions,
  type AuthorizationPrompt,
  authorizationCodeTokenProvider,
  type CodeExchangeOptions,
  DEFAULT_SCOPE,
  type DelegationOptions,
  delegatedTokenProvider,
  JWT_TOKEN_TYPE,
  type PasswordGrantOptions,
  passwordTokenProvider,
  requestAuthorizationCodeToken,
  requestDelegatedToken,
  requestPasswordToken,
  requestToken,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type TokenCallOptions,
  type TokenTiming,
  toIssuedToken,
} from "./grants.js";
export {
  type FormPostPage,
  parseFormPostPage,
  parseImplicitFormPost,
  parseImplicitRedirect,
  tokenResponseFromFields,
} from "./implicit.js";
export {
  parseAuthorizationRedirect,
  type RedirectCheckOptions,
  redirectParameters,
} from "./redirect.js";
export { createSubjectToken, SUBJECT_JWT_HEADER, type SubjectTokenOptions } from "./subject-jwt.js";
