import type { AuthorizationResponse } from "../generated/sts/types.gen.js";
import { AuthorizationResponseError, OAuthRequestError } from "./errors.js";

/** Options of {@link parseAuthorizationRedirect}. */
export interface RedirectCheckOptions {
  /**
   * The `state` the authorization request sent. When given, a redirect with another state (or
   * none) is refused. The guide has an answer with a state its request never sent (line 10996),
   * so leave this out only for a request sent without state.
   */
  expectedState?: string;
}

/**
 * The parameters of an authorization redirect, from its query or its fragment: the guide's
 * identity centre sends the code after `#` (`urn:ietf:wg:oauth:2.0:oob:auto#code=…`, line 10560)
 * as well as after `?` (lines 10986-10996, 12665). Works on non-HTTP URIs such as the `urn:`
 * out-of-band address.
 */
export function redirectParameters(redirect: string | URL): URLSearchParams {
  const text = String(redirect).trim();
  const hashAt = text.indexOf("#");
  const beforeHash = hashAt < 0 ? text : text.slice(0, hashAt);
  const fragment = hashAt < 0 ? "" : text.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf("?");
  const query = queryAt < 0 ? "" : beforeHash.slice(queryAt + 1);
  const merged = new URLSearchParams(query);
  // The fragment wins: that is where the guide's code arrives.
  for (const [name, value] of new URLSearchParams(fragment)) merged.set(name, value);
  return merged;
}

/**
 * Reads the authorization code (and state) from the address the identity centre redirected to,
 * the code in the query or the fragment.
 *
 * @throws OAuthRequestError when the redirect carries `error` (e.g. `access_denied`, RFC 6749 §4.1.2.1).
 * @throws AuthorizationResponseError when it has no code, or a state other than `expectedState`.
 */
export function parseAuthorizationRedirect(
  redirect: string | URL,
  options: RedirectCheckOptions = {},
): AuthorizationResponse {
  const params = redirectParameters(redirect);
  const code = params.get("code");
  const state = params.get("state") ?? undefined;
  const error = params.get("error");
  if (error !== null) {
    throw new OAuthRequestError({
      error,
      errorDescription: params.get("error_description") ?? undefined,
      operationId: "authorize",
      secrets: [code ?? undefined],
    });
  }
  if (options.expectedState !== undefined && state !== options.expectedState) {
    throw new AuthorizationResponseError(
      "state_mismatch",
      "authorization redirect: its state does not match the request's; the answer is refused",
    );
  }
  if (code === null || code === "") {
    throw new AuthorizationResponseError(
      "missing_code",
      "authorization redirect: neither its query nor its fragment carries a code",
    );
  }
  return state === undefined ? { code } : { code, state };
}
