/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** Requests in flight at once (1 = sequential). */
  concurrency: number;
  /** Stop after this many measured requests. */
  requests: number;
  /** Unmeasured requests sent first (sequentially) to warm connections and JIT, within at most 5 s. @default 50 */
  warmup?: number;
  /** Stop early after this many milliseconds of measuring, whatever the count. */
  timeLimitMs: number;
  /** Called with the number of measured requests so far, at most every 250 ms. */
  onProgress?: (done: number) => void;
}

/** Latencies and throughput of one load run. */
export interface LoadResult {
  /** One latency per measured request, milliseconds. */
  latencies: number[];
  /** Requests that threw or whose check failed. */
  errors: number;
  /** The first error, for the report. */
  firstError?: string;
  /** Wall time of the measured phase, milliseconds. */
  elapsedMs: number;
  /** Measured requests per second. */
  requestsPerSecond: number;
}

/**
 * Runs `operation` with a fixed number of workers until the count or the time limit is reached.
 * `operation` resolves to whether the answer was right; wrong answers count as errors.
 */
export async function runLoad(
  operation: (index: number) => Promise<boolean>,
  options: LoadOptions,
): Promise<LoadResult> {
  for (let index = 0; index < (options.warmup ?? 50); index += 1)
    await operation(-1 - index).catch(() => false);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  let lastProgress = 0;
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  const worker = async (): Promise<void> => {
    while (next < options.requests && performance.now() < deadline) {
      const index = next;
      next += 1;
      const before = performance.now();
      let ok: boolean;
      try {
        ok = await operation(index);
        if (!ok) firstError ??= `wrong answer on request ${index}`;
      } catch (error) {
        ok = false;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      const after = performance.now();
      if (ok) latencies.push(after - before);
      else errors += 1;
      if (options.onProgress && after - lastProgress > 250) {
        lastProgress = after;
        options.onProgress(latencies.length + errors);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  const elapsedMs = performance.now() - started;
  const done = latencies.length + errors;
  return {
    latencies,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    elapsedMs,
    requestsPerSecond: (done / elapsedMs) * 1000,
  };
}
