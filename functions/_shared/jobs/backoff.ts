// Exponential back-off between a step's (or a webhook's) attempts.

/** Options of {@link retryDelayMs}. */
export interface BackoffOptions {
  /** The first delay, in milliseconds. */
  baseMs: number;
  /** The longest delay, in milliseconds. */
  maxMs: number;
  /**
   * A number in [0, 1); the delay is scaled by 0.5 + 0.5 × it (jitter), so workers that failed
   * together do not retry together.
   * @default Math.random
   */
  random?: () => number;
}

/**
 * The wait before the attempt after attempt `attempt` (from 1): `min(max, base × 2^(attempt-1))`,
 * scaled by the jitter factor.
 * @example retryDelayMs(3, { baseMs: 1000, maxMs: 60000, random: () => 1 }) === 4000
 */
export function retryDelayMs(attempt: number, options: BackoffOptions): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * jitterFactor(options.random));
}

/** The jitter factor in [0.5, 1]. */
export function jitterFactor(random: (() => number) | undefined): number {
  return 0.5 + 0.5 * Math.min(1, Math.max(0, (random ?? Math.random)()));
}
