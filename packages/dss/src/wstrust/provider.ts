import { issueSecurityToken, WsTrustFailedError, type WsTrustIssueOptions } from "./client.js";
import type { IssuedSecurityToken } from "./messages.js";

/**
 * A provider of issued tokens (the SAML assertion and its proof key) over the WS-Trust exchange,
 * for the Sign Service's SOAP clients: the token is kept until shortly before the RSTR's
 * `Lifetime/Expires`, concurrent callers share one exchange, and a token carrying a confirmed
 * transaction (the `dsstransactiontokenid` claim, guide §6.3.1 and §7.1.1) is asked for per
 * transaction.
 */

/** What a call asks the provider for. */
export interface IssuedTokenRequest {
  /** The operation about to be called (for logs and custom providers). */
  operation?: string;
  /** The URL the call goes to. */
  url?: string;
  /**
   * The confirmed transaction the token must carry (sent as the `dsstransactiontokenid` claim):
   * a token for it is issued apart from the provider's plain token.
   */
  transactionId?: string;
}

/**
 * Where a Sign Service client's issued token comes from for each call: `getToken` resolves to a
 * token that is valid now. `invalidate` (optional) drops a kept token, e.g. after the service
 * refused it, so that the next call gets a new one.
 */
export interface IssuedTokenProvider {
  /** A token valid now, for the call described by `request`. */
  getToken(request?: IssuedTokenRequest): Promise<IssuedSecurityToken>;
  /** Drops a kept token (the one given, or all), so that the next call gets a new one. */
  invalidate?(token?: IssuedSecurityToken): void;
}

/** How the WS-Trust token provider asks for and keeps tokens. */
export interface WsTrustIssuedTokenProviderOptions
  extends Omit<WsTrustIssueOptions, "transactionId" | "signal"> {
  /**
   * How long before the token's `Lifetime/Expires` a new one is asked for, in seconds (default
   * 60): enough for a call that starts with the token to reach the service before it expires. A
   * token without `Expires` is kept until {@link IssuedTokenProvider.invalidate}.
   */
  refreshSkewSeconds?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

/** The WS-Trust token provider: a plain token, or one per confirmed transaction. */
export interface WsTrustIssuedTokenProvider extends IssuedTokenProvider {
  /** Drops the kept tokens (all of them, or the one given), so the next call asks the STS again. */
  invalidate(token?: IssuedSecurityToken): void;
  /** A provider of tokens carrying the confirmed transaction `transactionId`, sharing this one's cache. */
  forTransaction(transactionId: string): IssuedTokenProvider;
}

interface Kept {
  token: IssuedSecurityToken;
  refreshAt: number;
}

/**
 * Issued tokens from the identity centre by WS-Trust 1.3 (`issueSecurityToken`), kept until
 * `refreshSkewSeconds` before they expire and single-flight: callers that need a token while one
 * is being issued wait for that exchange (one interactive challenge, one answer). A failed
 * exchange is not kept: the next call tries again.
 * @throws WsTrustFailedError from `getToken` when no token is issued (refused, declined, …).
 */
export function wsTrustIssuedTokenProvider(
  options: WsTrustIssuedTokenProviderOptions,
): WsTrustIssuedTokenProvider {
  const now = options.now ?? Date.now;
  const skew = (options.refreshSkewSeconds ?? 60) * 1000;
  if (!(skew >= 0)) throw new RangeError("refreshSkewSeconds must not be negative");
  const kept = new Map<string, Kept>();
  const pending = new Map<string, Promise<IssuedSecurityToken>>();
  const { refreshSkewSeconds: _skew, now: _now, ...issue } = options;

  function getToken(request: IssuedTokenRequest = {}): Promise<IssuedSecurityToken> {
    const key = request.transactionId ?? "";
    const have = kept.get(key);
    if (have && now() < have.refreshAt) return Promise.resolve(have.token);
    let flight = pending.get(key);
    if (!flight) {
      flight = issueSecurityToken({
        ...issue,
        ...(request.transactionId !== undefined ? { transactionId: request.transactionId } : {}),
      }).then(
        (outcome) => {
          pending.delete(key);
          if (outcome.status !== "issued") throw new WsTrustFailedError(outcome);
          const expires = outcome.token.expires ? Date.parse(outcome.token.expires) : Number.NaN;
          kept.set(key, {
            token: outcome.token,
            refreshAt: Number.isFinite(expires) ? expires - skew : Number.POSITIVE_INFINITY,
          });
          return outcome.token;
        },
        (error: unknown) => {
          pending.delete(key);
          throw error;
        },
      );
      pending.set(key, flight);
    }
    return flight;
  }

  function invalidate(token?: IssuedSecurityToken): void {
    for (const [key, k] of kept) {
      if (!token || k.token === token || k.token.tokenXml === token.tokenXml) kept.delete(key);
    }
  }

  return {
    getToken,
    invalidate,
    forTransaction(transactionId) {
      return {
        getToken: (request) => getToken({ ...request, transactionId }),
        invalidate,
      };
    },
  };
}
