/**
 * Remembers the messages a service has accepted until their timestamps expire, so that the same
 * message is not accepted twice (WS-Security: SOAP Message Security 1.1, §10: a receiver "may" keep a cache of
 * timestamps; WS-SecurityPolicy's transport binding relies on it). Bounded: when full, the entry
 * that expires first is dropped, and `add` refuses nothing it has forgotten, so the bound should
 * hold more messages than arrive within a timestamp's lifetime. The verifier also keeps the
 * assertions whose signature it has checked in one (`verifiedAssertions`).
 */
export class ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #max: number;

  /** @param maxEntries most messages remembered (default 100 000). */
  constructor(maxEntries = 100_000) {
    if (!(maxEntries > 0)) throw new RangeError("maxEntries must be a positive number");
    this.#max = maxEntries;
  }

  /** Remembers `key` until `expires`; false when it is remembered already (a replay). */
  add(key: string, expires: Date, now: Date = new Date()): boolean {
    const t = now.getTime();
    const seen = this.#entries.get(key);
    if (seen !== undefined && seen > t) return false;
    if (this.#entries.size >= this.#max) this.#evict(t);
    this.#entries.set(key, expires.getTime());
    return true;
  }

  /** Whether `key` is remembered and has not expired. */
  has(key: string, now: Date = new Date()): boolean {
    const exp = this.#entries.get(key);
    return exp !== undefined && exp > now.getTime();
  }

  /** How many messages are remembered. */
  get size(): number {
    return this.#entries.size;
  }

  #evict(now: number): void {
    for (const [k, exp] of this.#entries) if (exp <= now) this.#entries.delete(k);
    if (this.#entries.size < this.#max) return;
    let first: string | undefined;
    let firstExp = Number.POSITIVE_INFINITY;
    for (const [k, exp] of this.#entries) {
      if (exp < firstExp) {
        first = k;
        firstExp = exp;
      }
    }
    if (first !== undefined) this.#entries.delete(first);
  }
}
