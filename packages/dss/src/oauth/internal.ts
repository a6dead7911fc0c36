/**
 * Helpers shared by the OAuth and confirmation flows. Not part of the public API.
 * @internal
 */

import { sha256 } from "@noble/hashes/sha2";
import { AbortError, type AuthHook, type Client, redact } from "@trustspec/runtime/core";
import { base64url } from "jose";

/**
 * The same client with other credentials: every other option (base URL, fetch, timeouts,
 * validation, middleware) is kept, and so is the API it was made for. `auth` undefined sends no
 * credentials.
 */
export function withAuth<C extends Client<string>>(
  client: C,
  auth: AuthHook | readonly AuthHook[] | undefined,
): C {
  const { auth: _dropped, ...rest } = client.options;
  // The other fields stay: the validator, and a lite client's brand.
  return { ...client, options: auth === undefined ? rest : { ...rest, auth } };
}

/**
 * Removes every occurrence of the given secret values from a text, then the secret-looking
 * `key=value` pairs and `Basic`/`Bearer` credentials `redact` knows about. Longer secrets go
 * first, so that a secret containing another is removed whole.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  const values = secrets
    .filter((s): s is string => typeof s === "string" && s.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const value of values) out = out.split(value).join("[redacted]");
  return redact(out);
}

/** {@link scrub} applied to every string inside a JSON-like value. */
export function scrubDeep(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === "string") return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, secrets);
    return out;
  }
  return value;
}

/**
 * Unpadded base64url of `bytes` random bytes from Web Crypto's `getRandomValues` (in Node and in
 * browsers): for `state`, `nonce` and PKCE verifiers.
 */
export function randomUrlSafe(bytes = 32): string {
  return base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * The PKCE S256 challenge of a verifier (RFC 7636 §4.2). Synchronous, so building an
 * authorization URL stays synchronous: Web Crypto only digests asynchronously.
 */
export function s256(verifier: string): string {
  return base64url.encode(sha256(new TextEncoder().encode(verifier)));
}

/**
 * Waits `ms` milliseconds; rejects with the runtime's AbortError as soon as `signal` aborts
 * (at once when it already has).
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError(operation, signal.reason));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(operation, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects with AbortError when `signal` aborts first. The promise
 * itself is not cancelled (it may be a user's callback); its later result is ignored.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  operation: string,
): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(new AbortError(operation, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError(operation, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Throws the runtime's AbortError when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw new AbortError(operation, signal.reason);
}
