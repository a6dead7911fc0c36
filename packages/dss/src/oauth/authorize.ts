import { base64url } from "jose";
import type { DssStsClient } from "../generated/sts/client.gen.js";
import { authorizeUrl } from "../generated/sts/client.gen.js";
import type {
  AuthorizeInput,
  ConfirmationScopeParams,
  ResponseType,
} from "../generated/sts/types.gen.js";
import type { OAuthClientCredentials } from "./credentials.js";
import { randomUrlSafe, s256 } from "./internal.js";

/** What goes into an authorization URL (guide, §6.3.2 items 1, 2 and 4; §6.7.2). */
export interface AuthorizeUrlOptions {
  /** The OAuth client; only its `clientId` is used (the URL carries no secret). */
  client: Pick<OAuthClientCredentials, "clientId">;
  /** The registered redirect URI, e.g. `urn:ietf:wg:oauth:2.0:oob:auto`. */
  redirectUri: string;
  /** `code` (default) for the authorization code grant, `token` for the implicit grant. */
  responseType?: ResponseType;
  /** Space-separated scopes; default `dss`. */
  scope?: string;
  /** The resource the token is for, e.g. `https://dss.example/SignServer/rest`. */
  resource?: string;
  /**
   * The Signature Service transaction to confirm (`dss_transaction_token_id`): the token issued
   * at the end carries that transaction's claims (guide, lines 10893-10911).
   */
  transactionId?: string;
  /**
   * Placeholder values of a confirmation scope's message template, sent as `dss_scope_params`
   * (UTF-8 JSON, base64url without padding; guide, lines 11805-11831).
   */
  scopeParams?: ConfirmationScopeParams;
  /** `state` to send; `true` (default) makes a random one, `false` sends none. */
  state?: string | boolean;
  /** OpenID Connect `nonce`; `true` makes a random one. Not sent by default. */
  nonce?: string | boolean;
  /** Send a PKCE S256 code challenge (RFC 7636) and return its verifier; default false. */
  pkce?: boolean;
}

/** An authorization URL and the values the application keeps to check and finish the flow. */
export interface BuiltAuthorizeUrl {
  /** Open this in the user's browser or web view. */
  url: URL;
  /** The `state` sent, to compare with the redirect's. */
  state?: string;
  /** The `nonce` sent. */
  nonce?: string;
  /** The PKCE verifier to send with the code at the token endpoint. Keep it secret. */
  codeVerifier?: string;
}

/**
 * Builds the authorization endpoint URL through the generated `authorizeUrl` (so the query is
 * checked against the contract), with `dss_transaction_token_id` to confirm a transaction,
 * a random `state` by default, and PKCE on request.
 *
 * @throws ValidationError when a value breaks the contract (e.g. an unknown response type).
 */
export function buildAuthorizeUrl(
  sts: DssStsClient,
  options: AuthorizeUrlOptions,
): BuiltAuthorizeUrl {
  const { query, built } = authorizeQuery(options);
  return { url: authorizeUrl(sts, { query }), ...built };
}

/**
 * The authorization request's query and the values kept to finish the flow, for a URL builder
 * (the main client's, which checks the query, or the lite client's).
 * @internal
 */
export function authorizeQuery(options: AuthorizeUrlOptions): {
  query: AuthorizeInput["query"];
  built: Omit<BuiltAuthorizeUrl, "url">;
} {
  const query: AuthorizeInput["query"] = {
    client_id: options.client.clientId,
    response_type: options.responseType ?? "code",
    scope: options.scope ?? "dss",
    redirect_uri: options.redirectUri,
  };
  const built: Omit<BuiltAuthorizeUrl, "url"> = {};
  if (options.resource !== undefined) query.resource = options.resource;
  if (options.transactionId !== undefined) query.dss_transaction_token_id = options.transactionId;
  if (options.scopeParams !== undefined) {
    query.dss_scope_params = base64url.encode(JSON.stringify(options.scopeParams));
  }
  const state = options.state ?? true;
  if (state !== false) {
    built.state = state === true ? randomUrlSafe(24) : state;
    query.state = built.state;
  }
  if (options.nonce !== undefined && options.nonce !== false) {
    built.nonce = options.nonce === true ? randomUrlSafe(24) : options.nonce;
    query.nonce = built.nonce;
  }
  if (options.pkce) {
    built.codeVerifier = randomUrlSafe(48);
    query.code_challenge = s256(built.codeVerifier);
    query.code_challenge_method = "S256";
  }
  return { query, built };
}
