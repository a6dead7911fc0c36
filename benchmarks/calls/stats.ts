/** What the call and load benchmarks share: the order the subjects take turns in, and medians. */

/** xorshift32 from a fixed seed, so a run's orders can be repeated. */
let seed = 0x2545f491;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

/**
 * `items` in a fresh shuffled order (Fisher–Yates), one per turn, so no subject always follows the
 * same one and pays for its garbage or its warm caches.
 */
export function shuffled<T>(items: readonly T[]): T[] {
  const turn = [...items];
  for (let j = turn.length - 1; j > 0; j--) {
    const k = Math.floor(random() * (j + 1));
    [turn[j], turn[k]] = [turn[k]!, turn[j]!];
  }
  return turn;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
