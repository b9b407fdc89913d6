import { Counter, Gauge, Histogram, renderMetrics, type Metric } from "../../_shared/prometheus.ts";
import type { BreakerState } from "../resilience/breaker.ts";

const breakerValue: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

/** Every metric the gateway exports, with the exact names operators and dashboards rely on. */
export class GatewayMetrics {
  /** Requests by route, provider, model and HTTP status. */
  readonly requests = new Counter(
    "llm_gateway_requests_total",
    "Requests by route, provider, model and status.",
  );
  /** Cache lookups by kind and result. */
  readonly cache = new Counter(
    "llm_gateway_cache_total",
    "Cache lookups by kind (response, embedding) and result (hit, miss, bypass).",
  );
  /** Tokens by provider, model and direction. */
  readonly tokens = new Counter(
    "llm_gateway_tokens_total",
    "Tokens by provider, model and direction (input, output).",
  );
  /** Cost by provider and model. */
  readonly cost = new Counter("llm_gateway_cost_usd_total", "Cost in USD by provider and model.");
  /** Request latency until the response is complete. */
  readonly duration = new Histogram(
    "llm_gateway_request_duration_seconds",
    "Request duration in seconds.",
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  /** Upstream attempts by provider and outcome. */
  readonly attempts = new Counter(
    "llm_gateway_upstream_attempts_total",
    "Upstream attempts by provider and outcome.",
  );
  /** Breaker state per provider: 0 closed, 1 half-open, 2 open. */
  readonly breaker = new Gauge(
    "llm_gateway_breaker_state",
    "Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.",
  );
  /** Store calls that failed or timed out, by operation. */
  readonly storeErrors = new Counter(
    "llm_gateway_store_errors_total",
    "Store calls that failed or timed out, by operation.",
  );
  /** Today's spend (reserved and settled) as last seen in the store. */
  readonly budgetSpent = new Gauge(
    "llm_gateway_budget_spent_usd",
    "Spend today in USD (reservations included), as last read from the store.",
  );

  constructor() {
    this.budgetSpent.set({}, 0);
  }

  /** Records a breaker state. */
  setBreakerState(provider: string, state: BreakerState): void {
    this.breaker.set({ provider }, breakerValue[state]);
  }

  /** Records usage and cost of one answered call. */
  recordUsage(
    provider: string,
    model: string,
    inputTokens: number,
    outputTokens: number,
    costUsd: number,
  ): void {
    if (inputTokens > 0)
      this.tokens.increment({ provider, model, direction: "input" }, inputTokens);
    if (outputTokens > 0)
      this.tokens.increment({ provider, model, direction: "output" }, outputTokens);
    this.cost.increment({ provider, model }, costUsd);
  }

  /**
   * Every metric, in declaration order, those a subclass adds included (found by shape, so a new
   * metric field is exported, added up across processes and pushed without another list to keep).
   */
  all(): Metric[] {
    return Object.values(this).filter(
      (value): value is Metric =>
        value instanceof Counter || value instanceof Gauge || value instanceof Histogram,
    );
  }

  /** Prometheus text of all metrics of this process. */
  render(): string {
    return renderMetrics([
      this.requests,
      this.cache,
      this.tokens,
      this.cost,
      this.duration,
      this.attempts,
      this.breaker,
      this.storeErrors,
      this.budgetSpent,
    ]);
  }
}
