import type { DssSignClient } from "../generated/signserver/client.gen.js";
import type { Transaction } from "../generated/signserver/types.gen.js";
import type { DssStsClient } from "../generated/sts/client.gen.js";
import { buildAuthorizeUrl } from "../oauth/authorize.js";
import type { OAuthClientCredentials } from "../oauth/credentials.js";
import { OAuthRequestError } from "../oauth/errors.js";
import { requestAuthorizationCodeToken } from "../oauth/grants.js";
import { throwIfAborted } from "../oauth/internal.js";
import { parseAuthorizationRedirect } from "../oauth/redirect.js";
import { authorizedClients, transactionIdFor } from "./run.js";
import type { ConfirmationOutcome, ConfirmationState, UserTokenSource } from "./types.js";

/** What {@link startOAuthConfirmation} needs. */
export interface OAuthConfirmationOptions {
  /** The Signature Service client (creates the transaction). */
  sign: DssSignClient;
  /** The identity centre client (builds the URL, exchanges the code). */
  sts: DssStsClient;
  /** The user's general-purpose token for creating the transaction, when `sign` has no `auth`. */
  userToken?: UserTokenSource;
  /** The transaction to create, or the id of one already created. */
  transaction: Transaction | { id: string };
  /** The OAuth client. */
  client: OAuthClientCredentials;
  /** The registered redirect URI. */
  redirectUri: string;
  /** The resource the operation's token is for. */
  resource?: string;
  /** Space-separated scopes; default `dss`. */
  scope?: string;
  /** Send a PKCE S256 challenge; default false. */
  pkce?: boolean;
  /** Cancels creating the transaction. */
  signal?: AbortSignal;
  /** Sees each step as it happens. */
  onState?: (state: ConfirmationState) => void;
}

/** A confirmation by the OAuth route, waiting for the browser part. */
export interface OAuthConfirmation {
  /** The Signature Service transaction id. */
  transactionId: string;
  /** Open this in the user's browser or web view: it carries `dss_transaction_token_id`. */
  url: URL;
  /** The `state` the redirect must echo. */
  state: string;
  /**
   * Finishes with the address the identity centre redirected to (code in the query or the
   * fragment): checks the state, exchanges the code, and resolves to the outcome. An `error`
   * in the redirect is an outcome (`access_denied` → `declined`), as is a refused exchange.
   * Only the first call does anything; later calls return the same promise.
   *
   * @throws AuthorizationResponseError when the redirect has no code or another request's state.
   */
  complete(
    redirect: string | URL,
    options?: { signal?: AbortSignal },
  ): Promise<ConfirmationOutcome>;
}

/**
 * Starts a confirmation by the OAuth route (guide, §6.3.2 item 4, lines 10893-11042): creates the
 * transaction and builds the authorization URL with `dss_transaction_token_id` for the
 * application to open; the user confirms on the identity centre's pages, and
 * {@link OAuthConfirmation.complete} exchanges the code the redirect brings for the operation's token.
 */
export async function startOAuthConfirmation(
  options: OAuthConfirmationOptions,
): Promise<OAuthConfirmation> {
  const emit = (state: ConfirmationState) => options.onState?.(state);
  throwIfAborted(options.signal, "confirmation");
  const clients = authorizedClients(options.sign, options.sts, options.userToken);
  if (!("id" in options.transaction)) emit({ state: "creatingTransaction" });
  const transactionId = await transactionIdFor(clients.sign, options.transaction, options.signal);
  const built = buildAuthorizeUrl(options.sts, {
    client: options.client,
    redirectUri: options.redirectUri,
    transactionId,
    pkce: options.pkce ?? false,
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...(options.resource === undefined ? {} : { resource: options.resource }),
  });
  const state = built.state!;
  emit({ state: "awaitingRedirect", transactionId });

  let completion: Promise<ConfirmationOutcome> | undefined;
  const finish = async (
    redirect: string | URL,
    signal: AbortSignal | undefined,
  ): Promise<ConfirmationOutcome> => {
    let outcome: ConfirmationOutcome;
    try {
      const { code } = parseAuthorizationRedirect(redirect, { expectedState: state });
      emit({ state: "exchangingCode", transactionId });
      const answer = await requestAuthorizationCodeToken(
        options.sts,
        {
          client: options.client,
          code,
          redirectUri: options.redirectUri,
          ...(options.resource === undefined ? {} : { resource: options.resource }),
          ...(built.codeVerifier === undefined ? {} : { codeVerifier: built.codeVerifier }),
        },
        signal ? { signal } : {},
      );
      outcome = { status: "confirmed", transactionId, accessToken: answer.access_token };
    } catch (error) {
      if (!(error instanceof OAuthRequestError)) throw error;
      const detail =
        error.errorDescription === undefined ? {} : { description: error.errorDescription };
      outcome =
        error.error === "access_denied"
          ? { status: "declined", transactionId, error: error.error, ...detail }
          : { status: "error", transactionId, error: error.error, ...detail };
    }
    emit({ state: "done", outcome });
    return outcome;
  };

  return {
    transactionId,
    url: built.url,
    state,
    complete(redirect, completeOptions = {}) {
      completion ??= finish(redirect, completeOptions.signal);
      return completion;
    },
  };
}
