/** A token as an identity provider issues it. */
export interface IssuedToken {
  token: string;
  /** Lifetime in seconds (OAuth `expires_in`); absent means it does not expire on its own. */
  expiresIn?: number;
}

/**
 * Hands out a current token: cached until shortly before it expires, fetched again after that,
 * with concurrent callers sharing one request.
 */
export interface TokenProvider {
  /** Resolves to a token that is still valid. */
  getToken(): Promise<string>;
  /** Forgets `token` (e.g. after the server answered 401 to it), so the next call fetches anew. */
  invalidate(token: string): void;
}

/** Settings of {@link cachedToken}. */
export interface CachedTokenOptions {
  /** Fetch a new token this long before the old one expires (default 30 000 ms). */
  refreshBeforeMs?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

/** A {@link TokenProvider} over a function that fetches a token. */
export function cachedToken(
  fetchToken: () => Promise<IssuedToken>,
  options: CachedTokenOptions = {},
): TokenProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshBeforeMs ?? 30_000;
  let current: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    getToken() {
      if (current && now() < current.refreshAt) return Promise.resolve(current.token);
      pending ??= fetchToken().then(
        (issued) => {
          const lifetime =
            issued.expiresIn === undefined ? Number.POSITIVE_INFINITY : issued.expiresIn * 1000;
          current = { token: issued.token, refreshAt: now() + Math.max(0, lifetime - margin) };
          pending = undefined;
          return issued.token;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
