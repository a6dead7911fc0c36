/**
 * The token requests and the authorization code flow over a given token operation and URL
 * builder: the main entry's (validating) or the lite entry's. Not part of the public API.
 * @internal
 */

import {
  ApiError,
  basicAuth,
  type CallOptions,
  type Client,
  cachedToken,
  type IssuedToken,
  type TokenProvider,
} from "@trustspec/runtime/core";
import type {
  TokenInput,
  TokenRequest,
  TokenRequestAuthorizationCode,
  TokenResponse,
  TokenResult,
} from "../generated/sts/types.gen.js";
import type { AuthorizeUrlOptions, BuiltAuthorizeUrl } from "./authorize.js";
import type { OAuthClientCredentials } from "./credentials.js";
import { isOAuthErrorBody, OAuthRequestError } from "./errors.js";
import type {
  AuthorizationCodeProviderOptions,
  CodeExchangeOptions,
  TokenCallOptions,
  TokenTiming,
} from "./grants.js";
import { scrubDeep, withAuth } from "./internal.js";
import { parseAuthorizationRedirect } from "./redirect.js";

/** The token endpoint's operation function, of the main entry or of the lite entry. */
export type TokenOperation<C extends Client<"DssSts">> = (
  client: C,
  input: TokenInput,
  options?: CallOptions,
) => Promise<TokenResult>;

/** `requestToken` over the given token operation. */
export async function requestTokenWith<C extends Client<"DssSts">>(
  token: TokenOperation<C>,
  sts: C,
  client: OAuthClientCredentials,
  request: TokenRequest,
  options: TokenCallOptions & { secrets?: readonly (string | undefined)[] } = {},
): Promise<TokenResponse> {
  const useBasic = client.clientSecret !== undefined || client.publicClientAuth === "basic";
  const body: TokenRequest =
    useBasic || request.client_id !== undefined
      ? request
      : { ...request, client_id: client.clientId };
  const secrets = [...(options.secrets ?? []), client.clientSecret, ...secretFieldsOf(request)];
  const tokenClient = withAuth(
    sts,
    useBasic ? basicAuth(client.clientId, client.clientSecret ?? "") : undefined,
  );
  const call: CallOptions = {};
  if (options.signal) call.signal = options.signal;
  if (options.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs;
  try {
    const result = await token(tokenClient, { body }, call);
    return result.data;
  } catch (error) {
    if (error instanceof ApiError) {
      if (isOAuthErrorBody(error.body)) {
        throw new OAuthRequestError({
          error: error.body.error,
          errorDescription:
            typeof error.body.error_description === "string"
              ? error.body.error_description
              : undefined,
          status: error.status,
          operationId: "token",
          secrets,
        });
      }
      // Not an OAuth answer (a proxy page, a 500): keep the ApiError, minus any echoed secret.
      throw new ApiError({
        status: error.status,
        operationId: error.operationId,
        body: scrubDeep(error.body, secrets),
        headers: error.headers,
      });
    }
    throw error;
  }
}

function secretFieldsOf(request: TokenRequest): (string | undefined)[] {
  switch (request.grant_type) {
    case "password":
      return [request.password];
    case "authorization_code":
      return [request.code, request.code_verifier];
    default:
      return [request.actor_token, request.subject_token];
  }
}

/** A token endpoint answer as the runtime's {@link IssuedToken}, its lifetime shortened by the refresh margin. */
export function toIssuedToken(response: TokenResponse, refreshBeforeMs?: number): IssuedToken {
  const lifetimeMs = response.expires_in * 1000;
  const margin = Math.min(refreshBeforeMs ?? 30_000, lifetimeMs / 2);
  return { token: response.access_token, expiresIn: Math.max(0, lifetimeMs - margin) / 1000 };
}

/** A cached token provider over a token request. */
export function provider(
  fetchToken: () => Promise<TokenResponse>,
  timing: TokenTiming,
): TokenProvider {
  // The margin is applied per token in toIssuedToken, so the runtime cache gets none of its own.
  return cachedToken(async () => toIssuedToken(await fetchToken(), timing.refreshBeforeMs), {
    refreshBeforeMs: 0,
    ...(timing.now ? { now: timing.now } : {}),
  });
}

/** The token request of an authorization code exchange. */
export function authorizationCodeRequest(
  options: CodeExchangeOptions,
): TokenRequestAuthorizationCode {
  const body: TokenRequestAuthorizationCode = {
    grant_type: "authorization_code",
    code: options.code,
    redirect_uri: options.redirectUri,
  };
  if (options.resource !== undefined) body.resource = options.resource;
  if (options.codeVerifier !== undefined) body.code_verifier = options.codeVerifier;
  return body;
}

/** `authorizationCodeTokenProvider` over the given URL builder and code exchange. */
export function authorizationCodeProviderWith(
  build: (options: AuthorizeUrlOptions) => BuiltAuthorizeUrl,
  exchange: (options: CodeExchangeOptions) => Promise<TokenResponse>,
  options: AuthorizationCodeProviderOptions,
): TokenProvider {
  return provider(async () => {
    const built = build({
      client: options.client,
      redirectUri: options.redirectUri,
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.resource === undefined ? {} : { resource: options.resource }),
      pkce: options.pkce ?? false,
    });
    const state = built.state!;
    const redirect = await options.authorize({ url: built.url, state });
    const { code } = parseAuthorizationRedirect(redirect, { expectedState: state });
    return exchange({
      client: options.client,
      code,
      redirectUri: options.redirectUri,
      ...(options.resource === undefined ? {} : { resource: options.resource }),
      ...(built.codeVerifier === undefined ? {} : { codeVerifier: built.codeVerifier }),
    });
  }, options);
}
