// The cost layer's bookkeeping of one request, whatever answered it: the cost a cache hit avoided
// (`llm_gateway_cost_avoided_usd_total{layer}`) and a row in the cost ledger
// (`public.llm_request_ledger`, when a database is configured), written after the response, with
// the cost of the gateway's own embedding of the request (the semantic cache's key).
import { Counter } from "../../_shared/prometheus.ts";
import type { CacheLayer } from "../../_shared/database/request-ledger.ts";
import type { StoredAnswer } from "../cache/cached-answer.ts";
import type { RequestOutcome } from "../request/request-context.ts";
import type { GatewayRuntime } from "../runtime.ts";
import { GatewayMetrics } from "../telemetry/gateway-metrics.ts";
import { computeCost, type PriceTable } from "./prices.ts";

/**
 * The gateway's metrics plus the cost layer's (`GatewayMetrics.all()` finds a subclass's metric
 * fields, so it is exported and shared like the others).
 */
export class CostLayerMetrics extends GatewayMetrics {
  /** USD a cache hit saved: what the answer it served cost when it was made, by layer. */
  readonly costAvoided = new Counter(
    "llm_gateway_cost_avoided_usd_total",
    "USD cache hits saved (the cost of the answer they served), by layer (exact, semantic).",
  );
}

function lastNumber(text: string, name: string): number {
  const pattern = new RegExp(`"${name}"\\s*:\\s*(\\d+)`, "g");
  let value = 0;
  for (const match of text.matchAll(pattern)) value = Number(match[1]);
  return value;
}

/**
 * What a stored answer cost when a provider made it, from the usage in its body (chat or
 * embeddings). Read with a pattern rather than a parse, to keep hits cheap; the usage object is
 * the body's last member carrying these names.
 */
export function storedAnswerCost(prices: PriceTable, answer: StoredAnswer): number {
  const input = lastNumber(answer.body, "prompt_tokens");
  const output = lastNumber(answer.body, "completion_tokens");
  return computeCost(prices, answer.model, input, output);
}

const endpoints: Readonly<Record<string, string>> = {
  "/v1/chat/completions": "chat",
  "/v1/embeddings": "embeddings",
  "/v1/responses": "responses",
};

function cacheLayerOf(cache: string): CacheLayer {
  if (cache === "hit") return "exact";
  if (cache === "semantic") return "semantic";
  return "none";
}

/**
 * Counts the cost a hit avoided and queues the ledger row of an answered request (status below
 * 400) in the background. Requests that were refused or failed are not in the ledger: it holds
 * what was answered, which is what the hit rate and the savings are about.
 */
export function recordRequestCost(
  runtime: GatewayRuntime,
  route: string,
  outcome: RequestOutcome,
  status: number,
  latencyMs: number,
): void {
  const endpoint = endpoints[route];
  if (endpoint === undefined || status >= 400) return;
  const cacheLayer = cacheLayerOf(outcome.cache);
  if (cacheLayer !== "none" && outcome.costAvoidedUsd > 0) {
    runtime.metrics.costAvoided.increment({ layer: cacheLayer }, outcome.costAvoidedUsd);
  }
  const ledger = runtime.ledger;
  if (!ledger) return;
  runtime.background.run(
    ledger.record({
      endpoint,
      tier: outcome.tier === "none" ? undefined : outcome.tier,
      provider: outcome.provider === "none" ? undefined : outcome.provider,
      model: outcome.model === "none" ? undefined : outcome.model,
      inputTokens: cacheLayer === "none" ? outcome.inputTokens : 0,
      outputTokens: cacheLayer === "none" ? outcome.outputTokens : 0,
      costUsd: cacheLayer === "none" ? outcome.costUsd : 0,
      cacheLayer,
      costAvoidedUsd: cacheLayer === "none" ? 0 : outcome.costAvoidedUsd,
      // Paid on a semantic hit as on a miss: the lookup needed it either way.
      embeddingCostUsd: outcome.embeddingCostUsd,
      status,
      latencyMs: Math.round(latencyMs),
    }),
  );
}
