/** A seeded PRNG (mulberry32): the same seed replays the same workload. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` draws from a Zipf distribution over ranks 0..`distinct`-1 (rank r has weight
 * 1/(r+1)^exponent), by inverse CDF with binary search.
 */
export function zipfSequence(
  count: number,
  distinct: number,
  exponent: number,
  seed: number,
): number[] {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 0; rank < distinct; rank += 1) {
    total += 1 / (rank + 1) ** exponent;
    cumulative.push(total);
  }
  const random = seededRandom(seed);
  const draws: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const target = random() * total;
    let low = 0;
    let high = distinct - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) < target) low = middle + 1;
      else high = middle;
    }
    draws.push(low);
  }
  return draws;
}

/** Share of requests that repeat an earlier one: the hit rate of a perfect, unbounded cache. */
export function repeatFraction(draws: readonly number[]): number {
  if (draws.length === 0) return 0;
  return 1 - new Set(draws).size / draws.length;
}
