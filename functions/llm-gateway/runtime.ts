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
import { CostLayerMetrics } from "./spend/cost-ledger.ts";
import type { DatabaseClient } from "../_shared/database/database-client.ts";
import type { SemanticCacheStore } from "../_shared/database/semantic-cache-store.ts";
import type { RequestLedger } from "../_shared/database/request-ledger.ts";
import type { JobStore } from "../_shared/jobs/job-store.ts";
import { JobMetrics } from "../_shared/jobs/job-metrics.ts";
import { createBackgroundTasks, type BackgroundTasks } from "./pipeline/background-tasks.ts";
import { SpendAlert } from "./spend/spend-alert.ts";
import { AnthropicProvider } from "./providers/anthropic.ts";
import { OpenAiProvider } from "./providers/openai.ts";
import type { ChatProvider, EmbeddingProvider } from "./providers/provider.ts";
import { RateLimiter } from "./request/rate-limit.ts";
import type { ProviderName } from "./resilience/routing.ts";
import { SingleFlight } from "./cache/single-flight.ts";
import { noopAnalytics, PostHogAnalytics, type Analytics } from "./telemetry/analytics.ts";
import type { Tracer } from "./telemetry/tracing.ts";
import { traceDatabase } from "./telemetry/traced-database.ts";
import { traceStore } from "./telemetry/traced-store.ts";
import {
  createObservability,
  createTracer,
  TraceIndex,
  type Observability,
  type ObservabilityOverrides,
} from "./telemetry/observability.ts";

/** Everything a request handler needs, built once per process. */
export interface GatewayRuntime {
  /** The parsed environment. */
  config: GatewayConfig;
  /** Cache, budget, breaker and rate-limit state. */
  store: Store;
  /** Shared metrics, daily figures, recent errors, error reports, trace ids of log lines. */
  observability: Observability;
  /** Per-provider circuit breaker. */
  breaker: SharedBreaker;
  /** Daily spend cap. */
  budget: Budget;
  /** Prometheus metrics of this process, the cost layer's included. */
  metrics: CostLayerMetrics;
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
  /** Work that finishes after the response: `EdgeRuntime.waitUntil` on Supabase, tracked locally. */
  background: BackgroundTasks;
  /** The guarded Postgres pool, when `DATABASE_URL` (or `SUPABASE_DB_URL`) is set. */
  database: DatabaseClient | undefined;
  /** The semantic cache, when a database is configured. */
  semanticCache: SemanticCacheStore | undefined;
  /** The cost ledger writer, when a database is configured. */
  ledger: RequestLedger | undefined;
  /** The asynchronous job store (`/v1/jobs`), when a database is configured. */
  jobs: JobStore | undefined;
  /** Job submissions, quick-job attempts and the queue gauges (`llm_gateway_job*`). */
  jobMetrics: JobMetrics;
}

/** Overrides for tests and embedding: a ready store, a log sink. */
export interface RuntimeOverrides {
  /** Use this store instead of the one the environment describes. */
  store?: Store;
  /** Receives log lines instead of stdout/stderr. */
  writeLog?: (line: string, level: LogLevel) => void;
  /** Timer seams of the metrics writes. */
  observability?: ObservabilityOverrides;
  /** Runs work past the response; the default uses `EdgeRuntime.waitUntil` where it exists. */
  background?: BackgroundTasks;
}

/** The database layer's constructors, imported on demand (see createRuntime). */
async function loadDatabaseModules() {
  const [client, semanticCache, ledger, jobs] = await Promise.all([
    import("../_shared/database/database-client.ts"),
    import("../_shared/database/semantic-cache-store.ts"),
    import("../_shared/database/request-ledger.ts"),
    import("../_shared/jobs/job-store.ts"),
  ]);
  return {
    createDatabaseClient: client.createDatabaseClient,
    createSemanticCacheStore: semanticCache.createSemanticCacheStore,
    createRequestLedger: ledger.createRequestLedger,
    createJobStore: jobs.createJobStore,
  };
}

/** Builds the runtime from a parsed config. */
export async function createRuntime(
  config: GatewayConfig,
  overrides: RuntimeOverrides = {},
): Promise<GatewayRuntime> {
  const redact = createRedactor(secretValues(config));
  const traces = new TraceIndex();
  const logger = createLogger({
    level: config.logLevel,
    redact,
    ...(config.otlpEndpoint || config.otlpTracesEndpoint
      ? { traceIdOf: (requestId: string) => traces.get(requestId) }
      : {}),
    ...(overrides.writeLog ? { write: overrides.writeLog } : {}),
  });
  const metrics = new CostLayerMetrics();
  const jobMetrics = new JobMetrics();
  const background = overrides.background ?? createBackgroundTasks();
  const tracer: Tracer = await createTracer(config, logger);
  const untracedStore =
    overrides.store ??
    (await createStore({
      upstashUrl: config.upstashUrl,
      upstashToken: config.upstashToken,
      redisUrl: config.redisUrl,
      timeoutMs: config.storeTimeoutMs,
      memoryMaxBytes: config.memoryStoreMaxBytes,
      onError: (operation, error) => {
        metrics.storeErrors.increment({ operation });
        logger.warn("store_error", { operation, reason: error.reason });
      },
      onConnectionError: (error) => logger.debug("store_connection_error", { error }),
    }));
  // With tracing on, each store call is a span under the request's; the metrics writes, which
  // serve no request, use the store untraced.
  const store = traceStore(untracedStore, tracer);
  const breaker = new SharedBreaker(store, {
    threshold: config.breakerThreshold,
    halfOpenAfterMs: config.breakerHalfOpenAfterMs,
    probeTimeoutMs: config.attemptTimeoutMs + 1000,
    onState: (provider, state) => metrics.setBreakerState(provider, state),
  });
  const spendAlert =
    config.dailyCapUsd !== undefined && config.slackWebhookUrl !== undefined
      ? new SpendAlert({
          store,
          capUsd: config.dailyCapUsd,
          fraction: config.spendAlertFraction,
          webhookUrl: config.slackWebhookUrl,
          environment: config.environmentName,
          background: (task) => background.run(task),
          logger,
        })
      : undefined;
  const budget = new Budget(store, {
    capUsd: config.dailyCapUsd,
    hardCapUsd: config.hardCapUsd,
    onTotal: (total) => {
      metrics.budgetSpent.set({}, total);
      spendAlert?.observe(total);
    },
  });
  // Connecting is lazy: an unreachable database costs nothing until the first cacheable request,
  // and its outage is logged once (database_unavailable), not per request.
  // The database layer (postgres.js, which require()s Node built-ins) is loaded only when a
  // database is configured, in its own bundle chunk: the start path of a gateway without one
  // never parses it.
  const databaseModules =
    config.databaseUrl === undefined ? undefined : await loadDatabaseModules();
  const untracedDatabase =
    config.databaseUrl === undefined || databaseModules === undefined
      ? undefined
      : databaseModules.createDatabaseClient({
          url: config.databaseUrl,
          log: logger,
          // One connection, on which postgres.js pipelines the isolate's few small queries (an edge
          // isolate serves few requests at once; more connections would only cost the pooler).
          maxConnections: 1,
        });
  const database =
    untracedDatabase === undefined ? undefined : traceDatabase(untracedDatabase, tracer);
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
  const observability = createObservability(
    config,
    untracedStore,
    { all: () => [...metrics.all(), ...jobMetrics.all()] },
    logger,
    redact,
    traces,
    overrides.observability,
  );
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
    reportError: (error, scope) =>
      observability.errors.capture(error, {
        requestId: scope.requestId,
        traceId: scope.span?.traceId,
        spanId: scope.span?.spanId,
        tags: { kind: "translation" },
      }),
  };
  return {
    config,
    observability,
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
    background,
    database,
    semanticCache:
      database === undefined || databaseModules === undefined
        ? undefined
        : databaseModules.createSemanticCacheStore({
            database,
            distanceThreshold: config.semanticDistanceThreshold,
          }),
    ledger:
      database === undefined || databaseModules === undefined
        ? undefined
        : databaseModules.createRequestLedger({
            database,
            environment: config.environmentName,
            onDropped: (count) => logger.debug("ledger_rows_dropped", { count }),
          }),
    jobs:
      database === undefined || databaseModules === undefined
        ? undefined
        : databaseModules.createJobStore({
            database,
            redact,
            maxAttempts: config.jobMaxAttempts,
            retryBaseMs: config.jobRetryBaseMs,
            retryMaxMs: config.jobRetryMaxMs,
          }),
    jobMetrics,
  };
}
