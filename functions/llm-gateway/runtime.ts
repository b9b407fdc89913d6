import { createLogger, type Logger, type LogLevel } from "../_shared/logger.ts";
import { createRedactor } from "../_shared/redact.ts";
import { sha256Hex } from "../_shared/sha256.ts";
import { createStore } from "../_shared/store/create-store.ts";
import type { Store } from "../_shared/store/store.ts";
import { SharedBreaker } from "./breaker.ts";
import type { StoredAnswer } from "./cached-answer.ts";
import { Budget } from "./budget.ts";
import { secretValues, type GatewayConfig } from "./config.ts";
import type { ExecutorDependencies } from "./execute-candidates.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";
import { AnthropicProvider } from "./providers/anthropic.ts";
import { OpenAiProvider } from "./providers/openai.ts";
import type { ChatProvider, EmbeddingProvider } from "./providers/provider.ts";
import { RateLimiter } from "./rate-limit.ts";
import type { ProviderName } from "./routing.ts";
import { SingleFlight } from "./single-flight.ts";
import { noopAnalytics, PostHogAnalytics, type Analytics } from "./telemetry/analytics.ts";
import { noopTracer, OtlpTracer, type Tracer } from "./telemetry/tracing.ts";

/** Everything a request handler needs, built once per process. */
export interface GatewayRuntime {
  /** The parsed environment. */
  config: GatewayConfig;
  /** Cache, budget, breaker and rate-limit state. */
  store: Store;
  /** Per-provider circuit breaker. */
  breaker: SharedBreaker;
  /** Daily spend cap. */
  budget: Budget;
  /** Prometheus metrics of this process. */
  metrics: GatewayMetrics;
  /** Redacting JSON-lines logger. */
  logger: Logger;
  /** OTLP tracer, or the no-op one. */
  tracer: Tracer;
  /** PostHog events, or the no-op sender. */
  analytics: Analytics;
  /** Per-caller limit, when `GATEWAY_RATE_LIMIT_PER_MINUTE` is set. */
  rateLimiter: RateLimiter | undefined;
  /** What the candidate loop needs, assembled once. */
  executor: ExecutorDependencies;
  /** Chat adapters by provider name. */
  chatProviders: ReadonlyMap<ProviderName, ChatProvider>;
  /** Embedding adapters by provider name (OpenAI-compatible only). */
  embeddingProviders: ReadonlyMap<ProviderName, EmbeddingProvider>;
  /** Identical concurrent chat requests in flight. */
  responseFlights: SingleFlight<StoredAnswer>;
  /** Identical concurrent embedding requests in flight. */
  embeddingFlights: SingleFlight<StoredAnswer>;
  /** SHA-256 of each `GATEWAY_API_KEYS` entry. */
  apiKeyHashes: ReadonlySet<string>;
}

/** Overrides for tests and embedding: a ready store, a log sink. */
export interface RuntimeOverrides {
  /** Use this store instead of the one the environment describes. */
  store?: Store;
  /** Receives log lines instead of stdout/stderr. */
  writeLog?: (line: string, level: LogLevel) => void;
}

/** Builds the runtime from a parsed config. */
export async function createRuntime(
  config: GatewayConfig,
  overrides: RuntimeOverrides = {},
): Promise<GatewayRuntime> {
  const redact = createRedactor(secretValues(config));
  const logger = createLogger({
    level: config.logLevel,
    redact,
    ...(overrides.writeLog ? { write: overrides.writeLog } : {}),
  });
  const metrics = new GatewayMetrics();
  const store =
    overrides.store ??
    (await createStore({
      upstashUrl: config.upstashUrl,
      upstashToken: config.upstashToken,
      redisUrl: config.redisUrl,
      timeoutMs: config.storeTimeoutMs,
      onError: (operation, error) => {
        metrics.storeErrors.increment({ operation });
        logger.warn("store_error", { operation, reason: error.reason });
      },
      onConnectionError: (error) => logger.debug("store_connection_error", { error }),
    }));
  const breaker = new SharedBreaker(store, {
    threshold: config.breakerThreshold,
    halfOpenAfterMs: config.breakerHalfOpenAfterMs,
    probeTimeoutMs: config.attemptTimeoutMs + 1000,
    onState: (provider, state) => metrics.setBreakerState(provider, state),
  });
  const budget = new Budget(store, {
    capUsd: config.dailyCapUsd,
    onTotal: (total) => metrics.budgetSpent.set({}, total),
  });
  const openai = new OpenAiProvider({
    apiKey: config.openaiApiKey,
    baseUrl: config.openaiBaseUrl,
    retryAfterCapMs: config.retryAfterCapMs,
  });
  const anthropic = new AnthropicProvider({
    apiKey: config.anthropicApiKey,
    baseUrl: config.anthropicBaseUrl,
    retryAfterCapMs: config.retryAfterCapMs,
    defaultMaxTokens: config.defaultMaxTokens,
  });
  for (const provider of ["anthropic", "openai"]) metrics.setBreakerState(provider, "closed");
  const tracer: Tracer = config.otlpEndpoint
    ? new OtlpTracer({
        endpoint: config.otlpEndpoint,
        serviceName: config.serviceName,
        onError: (error) => logger.debug("otlp_export_failed", { error }),
      })
    : noopTracer;
  const analytics: Analytics = config.posthogKey
    ? new PostHogAnalytics({
        apiKey: config.posthogKey,
        host: config.posthogHost,
        salt: config.analyticsSalt ?? crypto.randomUUID(),
        redact,
        onError: (error) => logger.debug("analytics_send_failed", { error }),
      })
    : noopAnalytics;
  const executor: ExecutorDependencies = {
    breaker,
    budget,
    metrics,
    tracer,
    logger,
    attemptTimeoutMs: config.attemptTimeoutMs,
    maxRetries: config.maxRetries,
    retryBaseMs: config.retryBaseMs,
    requestDeadlineMs: config.requestDeadlineMs,
  };
  return {
    config,
    executor,
    store,
    breaker,
    budget,
    metrics,
    logger,
    tracer,
    analytics,
    rateLimiter:
      config.rateLimitPerMinute === undefined
        ? undefined
        : new RateLimiter(store, config.rateLimitPerMinute),
    chatProviders: new Map<ProviderName, ChatProvider>([
      ["anthropic", anthropic],
      ["openai", openai],
    ]),
    embeddingProviders: new Map<ProviderName, EmbeddingProvider>([["openai", openai]]),
    responseFlights: new SingleFlight(),
    embeddingFlights: new SingleFlight(),
    apiKeyHashes: new Set(config.apiKeys.map((key) => sha256Hex(key))),
  };
}
