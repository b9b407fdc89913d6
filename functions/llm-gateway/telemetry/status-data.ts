import type { RecentError } from "./recent-errors.ts";
import { parseSampleName } from "./sample-name.ts";
import type { MetricSnapshot } from "./shared-metrics.ts";

/** One cache layer's lookups. */
export interface CacheLayerStatus {
  /** `llm_gateway_cache_total{kind}`, e.g. "response". */
  layer: string;
  /** Lookups answered from the cache. */
  hit: number;
  /** Lookups that went upstream. */
  miss: number;
  /** Requests that skipped the cache. */
  bypass: number;
  /** hit / (hit + miss), or null before any lookup. */
  hitRate: number | null;
}

/** What `/status.json` answers: the figures of `/metrics` (the same snapshot) plus today's. */
export interface StatusData {
  /** ISO time of the snapshot. */
  generatedAt: string;
  /** Whether the counters are the sum over every process sharing the store. */
  shared: boolean;
  /** Requests: total and by status class. */
  requests: { total: number; serverErrors: number; clientErrors: number };
  /** Cache lookups by layer. */
  cache: CacheLayerStatus[];
  /** USD: counted since the counters began, and today (UTC). */
  cost: { totalUsd: number; avoidedTotalUsd: number; todayUsd: number; avoidedTodayUsd: number };
  /** Daily budget: spent (reservations included), cap, fraction used. */
  budget: { spentUsd: number; capUsd: number | null; usedFraction: number | null };
  /** Breaker state by provider. */
  breakers: Record<string, string>;
  /** Last failed requests of this process, newest first. */
  recentErrors: RecentError[];
}

/** Figures of today that no counter holds. */
export interface TodayFigures {
  /** Budget spend today (the budget's store counter, reservations included). */
  spentTodayUsd: number;
  /** Settled cost today (`llm_gateway_cost_usd_total`'s daily total). */
  costTodayUsd: number;
  /** Avoided cost today (its store counter). */
  avoidedTodayUsd: number;
  /** `LLM_DAILY_CAP_USD`. */
  capUsd: number | undefined;
  /** Breaker state by provider. */
  breakers: Record<string, string>;
}

function sum(
  snapshot: readonly MetricSnapshot[],
  metricName: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): number {
  let total = 0;
  for (const { metric, samples } of snapshot) {
    if (metric.name !== metricName) continue;
    for (const [sample, value] of samples) if (keep(parseSampleName(sample).labels)) total += value;
  }
  return total;
}

/** Builds the status figures from the same snapshot `/metrics` renders. */
export function statusData(
  snapshot: readonly MetricSnapshot[],
  today: TodayFigures,
  recentErrors: RecentError[],
  shared: boolean,
  now: Date = new Date(),
): StatusData {
  const layers = new Map<string, CacheLayerStatus>();
  for (const { metric, samples } of snapshot) {
    if (metric.name !== "llm_gateway_cache_total") continue;
    for (const [sample, value] of samples) {
      const { labels } = parseSampleName(sample);
      const layer = labels.layer ?? labels.kind ?? "response";
      const entry = layers.get(layer) ?? { layer, hit: 0, miss: 0, bypass: 0, hitRate: null };
      if (labels.result === "hit") entry.hit += value;
      else if (labels.result === "miss") entry.miss += value;
      else entry.bypass += value;
      layers.set(layer, entry);
    }
  }
  for (const entry of layers.values())
    entry.hitRate = entry.hit + entry.miss === 0 ? null : entry.hit / (entry.hit + entry.miss);
  const cap = today.capUsd ?? null;
  return {
    generatedAt: now.toISOString(),
    shared,
    requests: {
      total: sum(snapshot, "llm_gateway_requests_total"),
      serverErrors: sum(snapshot, "llm_gateway_requests_total", (labels) =>
        (labels.status ?? "").startsWith("5"),
      ),
      clientErrors: sum(snapshot, "llm_gateway_requests_total", (labels) =>
        (labels.status ?? "").startsWith("4"),
      ),
    },
    cache: [...layers.values()].sort((left, right) => left.layer.localeCompare(right.layer)),
    cost: {
      totalUsd: sum(snapshot, "llm_gateway_cost_usd_total"),
      avoidedTotalUsd: sum(snapshot, "llm_gateway_cost_avoided_usd_total"),
      todayUsd: today.costTodayUsd,
      avoidedTodayUsd: today.avoidedTodayUsd,
    },
    budget: {
      spentUsd: today.spentTodayUsd,
      capUsd: cap,
      usedFraction: cap === null || cap === 0 ? null : today.spentTodayUsd / cap,
    },
    breakers: today.breakers,
    recentErrors,
  };
}
