import type { TokenProvider } from "@trustspec/runtime/core";
import { type DssStsClient, token } from "../generated/sts/client.gen.js";
import type {
  TokenRequest,
  TokenRequestPassword,
  TokenRequestTokenExchange,
  TokenResponse,
} from "../generated/sts/types.gen.js";
import { buildAuthorizeUrl } from "./authorize.js";
import type { OAuthClientCredentials } from "./credentials.js";
import { OAuthRequestError } from "./errors.js";
import { createSubjectToken } from "./subject-jwt.js";
import {
  authorizationCodeProviderWith,
  authorizationCodeRequest,
  provider,
  requestTokenWith,
} from "./token-call.js";

export { toIssuedToken } from "./token-call.js";

/** The token type both tokens of a DSS token exchange have (guide, lines 12781-12787). */
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/** The grant type of a token exchange (draft-ietf-oauth-token-exchange-07; guide, lines 12772-12774). */
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

/** The scope every DSS token request must contain (guide, lines 10540, 10842). */
export const DEFAULT_SCOPE = "dss";

/** When a provider fetches a new token, and by which clock. */
export interface TokenTiming {
  /**
   * Fetch a new token this long before the old one expires. Default: 30 s, but never more than
   * half the token's lifetime, so that a short-lived token is still reused.
   */
  refreshBeforeMs?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/** Per-request options of a token request. */
export interface TokenCallOptions {
  /** Cancels the request. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

/**
 * Sends one request to the token endpoint with the client's credentials.
 *
 * Any `auth` configured on `sts` is not used here: the token endpoint authenticates the OAuth
 * client, not a user. An answer in the OAuth error shape becomes an {@link OAuthRequestError}; other
 * failures (transport, timeout, contract) surface as the runtime's errors. `secrets` lists
 * values to keep out of any error (the request's own secret fields are added automatically).
 *
 * @throws OAuthRequestError when the identity centre refuses the request.
 */
export async function requestToken(
  sts: DssStsClient,
  client: OAuthClientCredentials,
  request: TokenRequest,
  options: TokenCallOptions & { secrets?: readonly (string | undefined)[] } = {},
): Promise<TokenResponse> {
  return requestTokenWith(token, sts, client, request, options);
}

// ---------------------------------------------------------------------------------------------
// Password grant
// ---------------------------------------------------------------------------------------------

/** The resource owner password credentials grant (guide, §6.3.2 item 3, lines 10802-10854). */
export interface PasswordGrantOptions {
  client: OAuthClientCredentials;
  /** The user's login. */
  username: string;
  /**
   * The user's password, or a function that reads it when a token is needed (from a vault, say),
   * so that it need not stay in memory (the guide asks clients not to keep it, line 10883).
   * The empty string when the second factor is the SIM applet or myDSS (lines 14435-14443).
   */
  password: string | (() => string | Promise<string>);
  /** Space-separated scopes; default `dss`. */
  scope?: string;
  /** The resource the token is for, e.g. `https://dss.example/SignServer/rest/api`. */
  resource?: string;
}

/**
 * Asks for one token with the user's login and password.
 *
 * @throws OAuthRequestError when the identity centre refuses (e.g. `invalid_grant` for a wrong password).
 */
export async function requestPasswordToken(
  sts: DssStsClient,
  options: PasswordGrantOptions,
  call: TokenCallOptions = {},
): Promise<TokenResponse> {
  const password =
    typeof options.password === "string" ? options.password : await options.password();
  const body: TokenRequestPassword = {
    grant_type: "password",
    username: options.username,
    password,
    scope: options.scope ?? DEFAULT_SCOPE,
  };
  if (options.resource !== undefined) body.resource = options.resource;
  return requestToken(sts, options.client, body, call);
}

/**
 * A {@link TokenProvider} over the password grant: the token is reused until shortly before
 * `expires_in` runs out, concurrent callers share one request, and after `invalidate` (a 401)
 * the next call asks anew. Give it to `bearerAuth` of a Signature Service client.
 */
export function passwordTokenProvider(
  sts: DssStsClient,
  options: PasswordGrantOptions & TokenTiming,
): TokenProvider {
  return provider(() => requestPasswordToken(sts, options), options);
}

// ---------------------------------------------------------------------------------------------
// Authorization code grant
// ---------------------------------------------------------------------------------------------

/** The second step of the authorization code grant: the code and what the authorization request sent. */
export interface CodeExchangeOptions {
  client: OAuthClientCredentials;
  /** The code from the redirect (see `parseAuthorizationRedirect`). */
  code: string;
  /** The same redirect URI as in the authorization request. */
  redirectUri: string;
  /** The resource the token is for. */
  resource?: string;
  /** The PKCE verifier, when the authorization request sent a code challenge. */
  codeVerifier?: string;
}

/**
 * Exchanges an authorization code for a token (guide, lines 10566-10590, 12686-12740). A code is
 * good for one exchange.
 *
 * @throws OAuthRequestError e.g. `invalid_grant` for a used or expired code.
 */
export function requestAuthorizationCodeToken(
  sts: DssStsClient,
  options: CodeExchangeOptions,
  call: TokenCallOptions = {},
): Promise<TokenResponse> {
  return requestToken(sts, options.client, authorizationCodeRequest(options), call);
}

/** What an application's `authorize` callback is given: the URL to open and the state it carries. */
export interface AuthorizationPrompt {
  /** The authorization URL for the user's browser or web view. */
  url: URL;
  /** The `state` in the URL; the redirect must echo it. */
  state: string;
}

/** Options of {@link authorizationCodeTokenProvider}. */
export interface AuthorizationCodeProviderOptions extends TokenTiming {
  client: OAuthClientCredentials;
  /** The registered redirect URI, e.g. `urn:ietf:wg:oauth:2.0:oob:auto`. */
  redirectUri: string;
  /** Space-separated scopes; default `dss`. */
  scope?: string;
  /** The resource the token is for. */
  resource?: string;
  /** Send a PKCE S256 challenge and verifier (RFC 7636); default false. */
  pkce?: boolean;
  /**
   * Sends the user to `prompt.url` and resolves to the address the identity centre redirected
   * to (the `Location` of its 302, or the address the web view landed on), code in the query or
   * the fragment. Called each time a new token is needed, since a code is good only once.
   */
  authorize(prompt: AuthorizationPrompt): Promise<string | URL>;
}

/**
 * A {@link TokenProvider} over the authorization code grant: for each new token it builds the
 * authorization URL (with a fresh `state`), lets the application run the browser part, checks
 * the redirect's `state`, and exchanges the code.
 *
 * @throws OAuthRequestError when the redirect carries an error or the exchange is refused.
 * @throws AuthorizationResponseError when the redirect has no code or another request's state.
 */
export function authorizationCodeTokenProvider(
  sts: DssStsClient,
  options: AuthorizationCodeProviderOptions,
): TokenProvider {
  return authorizationCodeProviderWith(
    (o) => buildAuthorizeUrl(sts, o),
    (o) => requestAuthorizationCodeToken(sts, o),
    options,
  );
}

// ---------------------------------------------------------------------------------------------
// Token exchange (delegation)
// ---------------------------------------------------------------------------------------------

/** Where the operator's own token comes from: a fixed token, a function, or a provider. */
export type ActorTokenSource = string | (() => string | Promise<string>) | TokenProvider;

/** Options of the token exchange by which an operator acts for a user (guide, §8.1.2.2.2). */
export interface DelegationOptions {
  client: OAuthClientCredentials;
  /**
   * The operator's access token (e.g. from the certificate authorization endpoint). With a
   * {@link TokenProvider}, an `invalid_grant` answer drops that token and the exchange is tried
   * once more with a fresh one.
   */
  actorToken: ActorTokenSource;
  /** The login of the user the operator acts for: the subject JWT's `unique_name`. */
  login: string;
  /** The resource the delegated token is for, e.g. `https://dss.example/SignServer/rest`. */
  resource?: string;
  /** Space-separated scopes of the delegated token; not sent when absent (the guide sends none). */
  scope?: string;
  /** Lifetime of the subject JWT in seconds (default 3600, as in the guide's example). */
  subjectLifetimeSeconds?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`); also dates the subject JWT. */
  now?: () => number;
}

function isTokenProvider(source: ActorTokenSource): source is TokenProvider {
  return typeof source === "object" && source !== null && "getToken" in source;
}

async function actorTokenOf(source: ActorTokenSource): Promise<string> {
  if (typeof source === "string") return source;
  if (isTokenProvider(source)) return source.getToken();
  return source();
}

/**
 * Exchanges the operator's token for a token to act as the user (draft-ietf-oauth-token-exchange-07;
 * guide, lines 12742-12869): `actor_token` is the operator's token, `subject_token` an unsigned
 * JWT naming the user (see {@link createSubjectToken}), both typed `urn:ietf:params:oauth:token-type:jwt`.
 *
 * @throws OAuthRequestError when the identity centre refuses the exchange.
 */
export async function requestDelegatedToken(
  sts: DssStsClient,
  options: DelegationOptions,
  call: TokenCallOptions = {},
): Promise<TokenResponse> {
  const attempt = async (): Promise<TokenResponse> => {
    const actor = await actorTokenOf(options.actorToken);
    const body: TokenRequestTokenExchange = {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      actor_token: actor,
      actor_token_type: JWT_TOKEN_TYPE,
      subject_token: createSubjectToken(options.login, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.subjectLifetimeSeconds === undefined
          ? {}
          : { lifetimeSeconds: options.subjectLifetimeSeconds }),
      }),
      subject_token_type: JWT_TOKEN_TYPE,
    };
    if (options.resource !== undefined) body.resource = options.resource;
    if (options.scope !== undefined) body.scope = options.scope;
    try {
      return await requestToken(sts, options.client, body, call);
    } catch (error) {
      if (
        error instanceof OAuthRequestError &&
        error.error === "invalid_grant" &&
        isTokenProvider(options.actorToken)
      ) {
        options.actorToken.invalidate(actor);
        throw new RetryWithFreshActor(error);
      }
      throw error;
    }
  };
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof RetryWithFreshActor)) throw error;
    try {
      return await attempt();
    } catch (second) {
      // Never more than one retry: the second refusal is the answer.
      throw second instanceof RetryWithFreshActor ? second.original : second;
    }
  }
}

/** Internal marker: the exchange failed with a stale operator token. */
class RetryWithFreshActor extends Error {
  readonly original: OAuthRequestError;
  constructor(original: OAuthRequestError) {
    super("retry");
    this.original = original;
  }
}

/**
 * A {@link TokenProvider} of delegated tokens for one user: cached until shortly before expiry,
 * one request for concurrent callers, a fresh subject JWT for every exchange.
 */
export function delegatedTokenProvider(
  sts: DssStsClient,
  options: DelegationOptions & TokenTiming,
): TokenProvider {
  return provider(() => requestDelegatedToken(sts, options), options);
}
