import type { Caller } from "./caller.ts";
import { recordRequestCost } from "../spend/cost-ledger.ts";
import type { RequestScope } from "../resilience/execute-candidates.ts";
import type { GatewayRuntime } from "../runtime.ts";
import type { Span } from "../telemetry/tracing.ts";
import { genAi } from "../telemetry/spans.ts";

/** What a request turned into, filled in by the handler for the request log, metrics and analytics. */
export interface RequestOutcome {
  /** Provider that answered, or "none". */
  provider: string;
  /** Upstream model, or "none". */
  model: string;
  /** Tier routed through, or "none". */
  tier: string;
  /** Cache result ("hit", "semantic", "miss", "bypass"), or "none" for routes without a cache. */
  cache: string;
  /** Input tokens of the provider call (0 for a cache hit). */
  inputTokens: number;
  /** Output tokens of the provider call (0 for a cache hit). */
  outputTokens: number;
  /** For a cache hit: USD the answer cost when a provider made it. */
  costAvoidedUsd: number;
  /**
   * USD of the gateway's own embedding of the request for the semantic cache; 0 when none was
   * made or it came from the embedding cache.
   */
  embeddingCostUsd: number;
  /** Upstream attempts. */
  attempts: number;
  /** USD. */
  costUsd: number;
  /** Whether the response was streamed. */
  stream: boolean;
}

/** Per-request state shared by the router and the handlers. */
export interface RequestContext {
  /** Echoed or generated request id. */
  readonly requestId: string;
  /** Normalised route, e.g. "/v1/chat/completions". */
  readonly route: string;
  /** `performance.now()` at arrival. */
  readonly startedAt: number;
  /** Cancellation and deadline. */
  readonly scope: RequestScope;
  /** The request span (no-op when tracing is off). */
  readonly span: Span;
  /** Filled in as the request progresses. */
  readonly outcome: RequestOutcome;
  /** Who is calling (set after authentication). */
  caller: Caller | undefined;
  /** Set by a handler whose response completes later (streams); it then calls {@link complete} itself. */
  deferred: boolean;
  /** Records metrics, the request log line, analytics and the span end. Idempotent. */
  complete(status: number, errorMessage?: string): void;
}

/** Creates the context of one request. */
export function createRequestContext(
  runtime: GatewayRuntime,
  requestId: string,
  route: string,
  makeScope: () => { scope: RequestScope; dispose: () => void },
  span: Span,
): RequestContext {
  let completed = false;
  let scope: { scope: RequestScope; dispose: () => void } | undefined;
  const context: RequestContext = {
    requestId,
    route,
    startedAt: performance.now(),
    get scope(): RequestScope {
      scope ??= makeScope();
      return scope.scope;
    },
    span,
    outcome: {
      provider: "none",
      model: "none",
      tier: "none",
      cache: "none",
      inputTokens: 0,
      outputTokens: 0,
      costAvoidedUsd: 0,
      embeddingCostUsd: 0,
      attempts: 0,
      costUsd: 0,
      stream: false,
    },
    caller: undefined,
    deferred: false,
    complete(status, errorMessage) {
      if (completed) return;
      completed = true;
      scope?.dispose();
      const outcome = context.outcome;
      const seconds = (performance.now() - context.startedAt) / 1000;
      runtime.metrics.requests.increment({
        route,
        provider: outcome.provider,
        model: outcome.model,
        status: String(status),
      });
      runtime.metrics.duration.observe(seconds);
      const fields: Record<string, unknown> = {
        requestId,
        route,
        status,
        provider: outcome.provider,
        model: outcome.model,
        tier: outcome.tier,
        cache: outcome.cache,
        attempts: outcome.attempts,
        stream: outcome.stream,
        costUsd: outcome.costUsd,
        durationMs: Math.round(seconds * 1e6) / 1e3,
      };
      if (errorMessage !== undefined) fields.error = errorMessage;
      if (status >= 500) runtime.logger.warn("request", fields);
      else runtime.logger.info("request", fields);
      span.setAttribute("http.response.status_code", status);
      span.setAttribute(genAi.provider, outcome.provider);
      span.setAttribute(genAi.requestModel, outcome.model);
      span.setAttribute("llm.cache", outcome.cache);
      span.end(status >= 500 ? (errorMessage ?? `HTTP ${status}`) : undefined);
      recordRequestCost(runtime, route, outcome, status, seconds * 1000);
      runtime.analytics.capture(context.caller?.id ?? "anonymous", {
        route,
        provider: outcome.provider,
        model: outcome.model,
        tier: outcome.tier,
        cache: outcome.cache,
        latencyMs: seconds * 1000,
        costUsd: outcome.costUsd,
        status,
        stream: outcome.stream,
        attempts: outcome.attempts,
      });
    },
  };
  return context;
}
