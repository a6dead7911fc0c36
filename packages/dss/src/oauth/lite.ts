/**
 * The browser's OAuth 2.0 flows of the DSS identity centre over the lite STS client: the
 * authorization URL (with PKCE), the code exchange and the token request, as the main entry's
 * functions of the same names, without validation.
 */

import type { TokenProvider } from "@trustspec/runtime/core";
import { authorizeUrl, type DssStsLiteClient, token } from "../generated/sts/client-lite.gen.js";
import type { TokenRequest, TokenResponse } from "../generated/sts/types.gen.js";
import { type AuthorizeUrlOptions, authorizeQuery, type BuiltAuthorizeUrl } from "./authorize.js";
import type { OAuthClientCredentials } from "./credentials.js";
import type {
  AuthorizationCodeProviderOptions,
  CodeExchangeOptions,
  TokenCallOptions,
} from "./grants.js";
import {
  authorizationCodeProviderWith,
  authorizationCodeRequest,
  requestTokenWith,
} from "./token-call.js";

/**
 * Builds the authorization endpoint URL, as the main entry's `buildAuthorizeUrl` does (a random
 * `state` by default, PKCE on request, `dss_transaction_token_id` to confirm a transaction),
 * through the lite `authorizeUrl`: the query is not checked against the contract.
 */
export function buildAuthorizeUrl(
  sts: DssStsLiteClient,
  options: AuthorizeUrlOptions,
): BuiltAuthorizeUrl {
  const { query, built } = authorizeQuery(options);
  return { url: authorizeUrl(sts, { query }), ...built };
}

/**
 * Sends one request to the token endpoint with the client's credentials, as the main entry's
 * `requestToken` does, through the lite `token` operation: the answer is not checked against
 * the contract.
 *
 * @throws OAuthRequestError when the identity centre refuses the request.
 */
export function requestToken(
  sts: DssStsLiteClient,
  client: OAuthClientCredentials,
  request: TokenRequest,
  options: TokenCallOptions & { secrets?: readonly (string | undefined)[] } = {},
): Promise<TokenResponse> {
  return requestTokenWith(token, sts, client, request, options);
}

/**
 * Exchanges an authorization code (and the PKCE verifier, when the request sent a challenge)
 * for a token, as the main entry's `requestAuthorizationCodeToken` does, without validation.
 *
 * @throws OAuthRequestError when the identity centre refuses the code.
 */
export function requestAuthorizationCodeToken(
  sts: DssStsLiteClient,
  options: CodeExchangeOptions,
  call: TokenCallOptions = {},
): Promise<TokenResponse> {
  return requestToken(sts, options.client, authorizationCodeRequest(options), call);
}

/**
 * A token provider over the authorization code grant, as the main entry's
 * `authorizationCodeTokenProvider`: each new token sends the user to the authorization URL
 * (through `options.authorize`), checks the redirect's `state` and exchanges the code.
 */
export function authorizationCodeTokenProvider(
  sts: DssStsLiteClient,
  options: AuthorizationCodeProviderOptions,
): TokenProvider {
  return authorizationCodeProviderWith(
    (o) => buildAuthorizeUrl(sts, o),
    (o) => requestAuthorizationCodeToken(sts, o),
    options,
  );
}
