import type { TransactionCallback } from "../generated/sts/types.gen.js";
import { throwIfAborted } from "../oauth/internal.js";

/**
 * Whether a parsed body is a TransactionCallback (guide, §6.3.4, lines 11235-11256):
 * `Result` `success` or `failed`, `TransactionId` a string, `Error` a string when present.
 */
export function isTransactionCallback(body: unknown): body is TransactionCallback {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return (
    (b.Result === "success" || b.Result === "failed") &&
    typeof b.TransactionId === "string" &&
    b.TransactionId !== "" &&
    (b.Error === undefined || b.Error === null || typeof b.Error === "string")
  );
}

interface Waiter {
  ids: readonly string[];
  resolve(callback: TransactionCallback): void;
}

/** Options of a {@link CallbackReceiver}. */
export interface CallbackReceiverOptions {
  /** Callbacks kept for transactions nobody waits for yet (default 1000; the oldest go first). */
  maxBuffered?: number;
}

/**
 * Hands TransactionCallback notifications from the application's web endpoint to the
 * confirmations waiting for them. Feed it every callback body with {@link CallbackReceiver.deliver}
 * (or mount {@link CallbackReceiver.handle} as a fetch-style endpoint); a confirmation started with
 * `method: { kind: "callback", receiver }` waits on it.
 *
 * A callback matches a waiter by `TransactionId`, compared with both the Signature Service
 * transaction id and the confirmation's RefID (the guide does not say which one it carries).
 * One that arrives before anybody waits is kept until somebody does.
 */
export class CallbackReceiver {
  readonly #waiters = new Set<Waiter>();
  readonly #buffered = new Map<string, TransactionCallback>();
  readonly #maxBuffered: number;

  constructor(options: CallbackReceiverOptions = {}) {
    this.#maxBuffered = Math.max(0, options.maxBuffered ?? 1000);
  }

  /**
   * Takes one callback body (parsed JSON). Returns false, and does nothing, when it is not a
   * TransactionCallback.
   */
  deliver(body: unknown): boolean {
    if (!isTransactionCallback(body)) return false;
    const callback: TransactionCallback = {
      Result: body.Result,
      TransactionId: body.TransactionId,
      Error: typeof body.Error === "string" ? body.Error : "",
    };
    for (const waiter of this.#waiters) {
      if (waiter.ids.includes(callback.TransactionId)) {
        this.#waiters.delete(waiter);
        waiter.resolve(callback);
        return true;
      }
    }
    this.#buffered.delete(callback.TransactionId);
    this.#buffered.set(callback.TransactionId, callback);
    while (this.#buffered.size > this.#maxBuffered) {
      const oldest = this.#buffered.keys().next().value;
      if (oldest === undefined) break;
      this.#buffered.delete(oldest);
    }
    return true;
  }

  /**
   * A fetch-style endpoint for the identity centre's POST: 204 for a callback taken, 400 for a
   * body that is not one, 405 for another method.
   */
  async handle(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response(null, { status: 405 });
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return new Response(null, { status: 400 });
    }
    return new Response(null, { status: this.deliver(body) ? 204 : 400 });
  }

  /**
   * Resolves with the first callback whose TransactionId is one of `ids`, or `undefined` after
   * `timeoutMs`. Rejects with AbortError when `signal` aborts.
   */
  wait(
    ids: readonly string[],
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<TransactionCallback | undefined> {
    throwIfAborted(options.signal, "confirmation");
    for (const id of ids) {
      const buffered = this.#buffered.get(id);
      if (buffered) {
        this.#buffered.delete(id);
        return Promise.resolve(buffered);
      }
    }
    return new Promise((resolve, reject) => {
      const { signal, timeoutMs } = options;
      const finish = () => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        ids,
        resolve: (callback) => {
          finish();
          resolve(callback);
        },
      };
      const onAbort = () => {
        finish();
        throwIfAbortedInto(signal, reject);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              finish();
              resolve(undefined);
            }, timeoutMs);
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** How many confirmations are waiting. */
  get waiting(): number {
    return this.#waiters.size;
  }
}

function throwIfAbortedInto(signal: AbortSignal | undefined, reject: (error: unknown) => void) {
  try {
    throwIfAborted(signal, "confirmation");
  } catch (error) {
    reject(error);
  }
}
