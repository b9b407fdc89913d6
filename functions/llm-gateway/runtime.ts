import { createLogger, type Logger, type LogLevel } from "../_shared/logger.ts";
import { createRedactor } from "../_shared/redact.ts";
import { sha256Hex } from "../_shared/sha256.ts";
import { createStore } from "../_shared/store/create-store.ts";
import type { Store } from "../_shared/store/store.ts";
import { SharedBreaker } from "./resilience/breaker.ts";
import type { StoredAnswer } from "./cache/cached-answer.ts";
import { Budget } from "./spend/budget.ts";
import { secretValues, type GatewayConfig } from "./config.ts";
import { gatewayEnvironment } from "./environment/contract.ts";
import type { ExecutorDependencies } from "./resilience/execute-candidates.ts";
import { GatewayMetrics } from "./telemetry/gateway-metrics.ts";
import { AnthropicProvider } from "./providers/anthropic.ts";
import { OpenAiProvider } from "./providers/openai.ts";
import type { ChatProvider, EmbeddingProvider } from "./providers/provider.ts";
import { RateLimiter } from "./request/rate-limit.ts";
import type { ProviderName } from "./resilience/routing.ts";
import { SingleFlight } from "./cache/single-flight.ts";
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
  /** The logger's redactor, applied to client-facing error messages too. */
  redact: (text: string) => string;
  /** Every provider name, in a stable order (health, metrics, models). */
  providerNames: readonly ProviderName[];
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
  const limits = {
    maxResponseBytes: config.maxResponseBytes,
    maxEventBytes: config.maxEventBytes,
  };
  const openai = new OpenAiProvider({
    apiKey: config.openaiApiKey,
    baseUrl: config.openaiBaseUrl,
    retryAfterCapMs: config.retryAfterCapMs,
    limits,
    requiresKey: config.openaiBaseUrl === gatewayEnvironment.openaiBaseUrl.default,
  });
  const anthropic = new AnthropicProvider({
    apiKey: config.anthropicApiKey,
    baseUrl: config.anthropicBaseUrl,
    retryAfterCapMs: config.retryAfterCapMs,
    defaultMaxTokens: config.defaultMaxTokens,
    limits,
    requiresKey: config.anthropicBaseUrl === gatewayEnvironment.anthropicBaseUrl.default,
  });
  const chatProviders = new Map<ProviderName, ChatProvider>([
    ["anthropic", anthropic],
    ["openai", openai],
  ]);
  const embeddingProviders = new Map<ProviderName, EmbeddingProvider>([["openai", openai]]);
  for (const [name, compatible] of config.compatibleProviders) {
    const provider = new OpenAiProvider({
      name,
      apiKey: compatible.apiKey,
      apiKeyVariable: compatible.apiKeyVariable,
      baseUrl: compatible.baseUrl,
      retryAfterCapMs: config.retryAfterCapMs,
      limits,
      requiresKey: compatible.requiresKey,
    });
    chatProviders.set(name, provider);
    embeddingProviders.set(name, provider);
  }
  const providerNames = [...chatProviders.keys()];
  for (const provider of providerNames) metrics.setBreakerState(provider, "closed");
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
    redact,
    providerNames,
    tracer,
    analytics,
    rateLimiter:
      config.rateLimitPerMinute === undefined
        ? undefined
        : new RateLimiter(store, config.rateLimitPerMinute),
    chatProviders,
    embeddingProviders,
    responseFlights: new SingleFlight(),
    embeddingFlights: new SingleFlight(),
    apiKeyHashes: new Set(config.apiKeys.map((key) => sha256Hex(key))),
  };
}
