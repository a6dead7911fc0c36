import type { TokenProvider } from "@trustspec/runtime/core";
import type { DssStsClient } from "../generated/sts/client.gen.js";
import {
  type AuthorizationCodeProviderOptions,
  authorizationCodeTokenProvider,
  DEFAULT_SCOPE,
  type DelegationOptions,
  delegatedTokenProvider,
  type PasswordGrantOptions,
  passwordTokenProvider,
  type TokenTiming,
} from "./grants.js";

/** Which grant a cached provider uses. */
export type CachedGrant = "password" | "authorization_code" | "token_exchange";

/**
 * What tells cached tokens apart. Two requests with equal keys share one provider (so one token
 * and one refresh); anything that changes the token issued must be part of the key.
 */
export interface TokenCacheKey {
  grant: CachedGrant;
  /** The identity centre's base URL. */
  issuer: string;
  /** The OAuth client id. */
  clientId: string;
  /** The resource the token is for; absent counts as its own value. */
  resource?: string | undefined;
  /** The scopes; their order does not matter. */
  scope?: string | undefined;
  /** The user: the login for the password grant and for delegation. */
  user?: string | undefined;
}

/** The canonical text of a key: scopes sorted and de-duplicated, absent parts empty. */
export function tokenCacheKey(key: TokenCacheKey): string {
  const scope = [...new Set((key.scope ?? "").split(/\s+/).filter(Boolean))].sort().join(" ");
  return JSON.stringify([
    key.grant,
    key.issuer.replace(/\/+$/, ""),
    key.clientId,
    key.resource ?? "",
    scope,
    key.user ?? "",
  ]);
}

/** Options of a {@link TokenCache}. */
export interface TokenCacheOptions extends TokenTiming {
  /** Most providers kept; the least recently used one goes first (default 1000). */
  maxEntries?: number;
}

/**
 * A registry of token providers keyed by identity centre, client id, resource, scope and (for
 * the password grant and delegation) user: asking twice for the same key returns the same
 * provider, so an application with many call sites makes one token request per key, refreshed
 * shortly before `expires_in` runs out, with concurrent callers sharing one request.
 *
 * Secrets are never part of a key: a changed password for the same key is not noticed; call
 * {@link TokenCache.delete} (or `invalidate` the provider's token) after changing it.
 */
export class TokenCache {
  readonly #entries = new Map<string, TokenProvider>();
  readonly #timing: TokenTiming;
  readonly #maxEntries: number;

  constructor(options: TokenCacheOptions = {}) {
    this.#timing = {
      ...(options.now ? { now: options.now } : {}),
      ...(options.refreshBeforeMs === undefined
        ? {}
        : { refreshBeforeMs: options.refreshBeforeMs }),
    };
    this.#maxEntries = Math.max(1, options.maxEntries ?? 1000);
  }

  /** How many providers the cache holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** The provider under `key`, made by `create` the first time. */
  provider(key: TokenCacheKey, create: (timing: TokenTiming) => TokenProvider): TokenProvider {
    const id = tokenCacheKey(key);
    let found = this.#entries.get(id);
    if (found) {
      // Most recently used last, for the eviction order.
      this.#entries.delete(id);
    } else {
      found = create(this.#timing);
    }
    this.#entries.set(id, found);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return found;
  }

  /** The shared password-grant provider for this client, user, resource and scope. */
  password(sts: DssStsClient, options: PasswordGrantOptions & TokenTiming): TokenProvider {
    return this.provider(
      {
        grant: "password",
        issuer: issuerOf(sts),
        clientId: options.client.clientId,
        resource: options.resource,
        scope: options.scope ?? DEFAULT_SCOPE,
        user: options.username,
      },
      (timing) => passwordTokenProvider(sts, { ...timing, ...options }),
    );
  }

  /** The shared delegation provider for this client, user (login), resource and scope. */
  delegated(sts: DssStsClient, options: DelegationOptions & TokenTiming): TokenProvider {
    return this.provider(
      {
        grant: "token_exchange",
        issuer: issuerOf(sts),
        clientId: options.client.clientId,
        resource: options.resource,
        scope: options.scope,
        user: options.login,
      },
      (timing) => delegatedTokenProvider(sts, { ...timing, ...options }),
    );
  }

  /**
   * The shared authorization-code provider for this client, resource and scope. The user is
   * whoever signs in at the browser step, so it is not part of the key: use one cache per user
   * session.
   */
  authorizationCode(sts: DssStsClient, options: AuthorizationCodeProviderOptions): TokenProvider {
    return this.provider(
      {
        grant: "authorization_code",
        issuer: issuerOf(sts),
        clientId: options.client.clientId,
        resource: options.resource,
        scope: options.scope ?? DEFAULT_SCOPE,
      },
      (timing) => authorizationCodeTokenProvider(sts, { ...timing, ...options }),
    );
  }

  /** Forgets the provider under `key`; returns whether there was one. */
  delete(key: TokenCacheKey): boolean {
    return this.#entries.delete(tokenCacheKey(key));
  }

  /** Forgets every provider. */
  clear(): void {
    this.#entries.clear();
  }
}

function issuerOf(sts: DssStsClient): string {
  return sts.options.baseUrl ?? "";
}
