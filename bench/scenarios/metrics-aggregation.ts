import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import { runDenoScript } from "./deno-script";

/** What the metrics aggregation adds to an in-memory cache hit, measured in one Deno process. */
export interface MetricsAggregationResult {
  /** p50 of a hit, metrics per process (the memory store), ms. */
  perProcessP50Ms: number;
  /** p50 of a hit with the aggregation on (a hash store written every 50 ms), ms. */
  aggregatedP50Ms: number;
  /** The difference: the aggregation's cost on the hit path, ms. */
  addedP50Ms: number;
  /** Hits measured per variant. */
  hits: number;
}

/**
 * In-process cache hits through the gateway's handler under Deno, with metrics per process and
 * with the cross-isolate aggregation on (bench/scenarios/metrics-aggregation.deno.mts). In-process,
 * because a 0.05 ms difference drowns in the noise of an HTTP round trip.
 */
export async function measureMetricsAggregation(
  context: BenchContext,
): Promise<MetricsAggregationResult> {
  const result = await runDenoScript<MetricsAggregationResult>(
    "bench/scenarios/metrics-aggregation.deno.mts",
    [String(scaled(context, 10_000, 1000))],
    180_000,
  );
  context.progress.note(
    `in-memory hit p50: ${result.perProcessP50Ms.toFixed(4)} ms per process, ${result.aggregatedP50Ms.toFixed(4)} ms aggregated (${result.addedP50Ms >= 0 ? "+" : ""}${result.addedP50Ms.toFixed(4)} ms)`,
  );
  return result;
}
