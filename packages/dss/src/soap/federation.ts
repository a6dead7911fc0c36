import type { WsTrustAnswerer, WsTrustCredentials } from "../wstrust/client.js";
import { type IssuedTokenProvider, wsTrustIssuedTokenProvider } from "../wstrust/provider.js";

/**
 * For the endpoints whose client obtains its token from the identity centre itself (the Sign
 * Service's `federation…` endpoints, the user management service's `/token`): where and how it
 * asks (one WS-Trust exchange on the caller's side; the token is then kept and refreshed shortly
 * before it expires).
 */
export interface FederationTokenOptions {
  /** The identity centre's WS-Trust endpoint, e.g. `stsEndpoint(base, "username/transport")`. */
  sts: string;
  /** How the caller authenticates at that endpoint (guide, Table 96). */
  credentials: WsTrustCredentials;
  /** Answers the interactive challenge (a one-time password); without it a challenge fails the call. */
  answer?: WsTrustAnswerer;
  /**
   * A confirmed transaction the token must carry (the `dsstransactiontokenid` claim, for the
   * operations that need confirmation): the identity centre then asks for the one-time password
   * through `answer`.
   */
  transactionId?: string;
  /** The token's relying party (`AppliesTo`; default: the address of the endpoint the client calls). */
  appliesTo?: string;
  /** How long before the token expires a new one is asked for, in seconds (default 60). */
  refreshSkewSeconds?: number;
  /** The `fetch` for the STS (default: the `fetch` given to the client, else the global one). */
  fetch?: typeof globalThis.fetch;
  /** Timeout of each STS request, in milliseconds (default: the client's `timeoutMs`). */
  timeoutMs?: number;
}

/** What a client fills in where its {@link FederationTokenOptions} say nothing. */
export interface FederationTokenDefaults {
  /** The relying party: the address of the endpoint the client calls. */
  appliesTo: string;
  /** The client's `fetch`, if it was given one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** The client's request timeout, in milliseconds, if it was given one. */
  timeoutMs?: number | undefined;
}

/**
 * The issued-token source a client's federation options describe: a {@link
 * wsTrustIssuedTokenProvider} for the identity centre `options.sts`, asking for tokens that carry
 * `options.transactionId` when it is given; what the options leave out is taken from `defaults`.
 */
export function federationTokenSource(
  options: FederationTokenOptions,
  defaults: FederationTokenDefaults,
): IssuedTokenProvider {
  const fetch = options.fetch ?? defaults.fetch;
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const provider = wsTrustIssuedTokenProvider({
    url: options.sts,
    appliesTo: options.appliesTo ?? defaults.appliesTo,
    credentials: options.credentials,
    ...(options.answer ? { answer: options.answer } : {}),
    ...(options.refreshSkewSeconds !== undefined
      ? { refreshSkewSeconds: options.refreshSkewSeconds }
      : {}),
    ...(fetch ? { fetch } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  return options.transactionId !== undefined
    ? provider.forTransaction(options.transactionId)
    : provider;
}
