/** Summary of a latency sample, in milliseconds. */
export interface LatencySummary {
  /** Number of measurements. */
  count: number;
  /** Median. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 99th percentile. */
  p99: number;
  /** Mean. */
  mean: number;
  /** Smallest. */
  min: number;
  /** Largest. */
  max: number;
}

/** Nearest-rank percentile of an ascending array (`fraction` in 0..1); NaN for an empty array. */
export function percentile(sortedAscending: readonly number[], fraction: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Summarises latencies (any order). */
export function summarize(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((left, right) => left - right);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Rounds to `digits` decimals, keeping NaN as null for JSON. */
export function round(value: number, digits = 3): number | null {
  if (!Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Downsamples latencies to at most `points` quantiles (for the chart and the JSON file). */
export function quantiles(latencies: readonly number[], points = 101): number[] {
  const sorted = [...latencies].sort((left, right) => left - right);
  if (sorted.length === 0) return [];
  return Array.from({ length: points }, (_, index) =>
    percentile(sorted, index / (points - 1) || 1 / sorted.length),
  );
}
