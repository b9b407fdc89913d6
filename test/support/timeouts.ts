// Every timeout the tests use, in one place. A busy machine (a shared CI runner, a laptop running
// a build) is slower, not broken: set TEST_TIME_FACTOR=2 (or more) and every bound here scales.
// Timings under test (store guard, breaker windows) are injected or faked, never raced against
// these.

/** Parses `TEST_TIME_FACTOR`: a positive number, 1 when unset. */
export function parseTimeFactor(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 1;
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor <= 0) {
    throw new Error(`TEST_TIME_FACTOR must be a positive number, got "${value}"`);
  }
  return factor;
}

/** The factor every timeout is multiplied by. @default 1 */
export const timeFactor = parseTimeFactor(process.env["TEST_TIME_FACTOR"]);

/** `milliseconds` times {@link timeFactor}, rounded up. */
export function scaled(milliseconds: number): number {
  return Math.ceil(milliseconds * timeFactor);
}

/** The suite's timeouts, already scaled. */
export const timeouts = {
  /** One `it`: integration tests start real processes (Deno, redis-server, miniflare). */
  test: scaled(60_000),
  /** One `beforeAll`/`afterAll` that starts servers or processes. */
  hook: scaled(120_000),
  /**
   * A `beforeAll` that runs offline plans: each plan loads the whole program in a child process
   * through ts-node, and runs queue behind a suite-wide limit (see plan-command.ts).
   */
  planHook: scaled(600_000),
  /**
   * A bound on store calls in tests that are not about the bound: long enough that a loaded
   * machine never trips it (the guard's own timing is tested with fake timers).
   */
  storeCall: scaled(30_000),
} as const;
