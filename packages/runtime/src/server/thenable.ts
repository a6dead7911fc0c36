/**
 * Whether a value is a promise (any thenable, as `await` takes it). The server paths call
 * handlers synchronously and wait only when one returns a promise, so a plain answer costs no
 * turns of the microtask queue.
 */
export function isPromise<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
