import type * as z from "zod";
import { gatewayEnvironment as variables, type LogLevelName } from "./environment/contract.ts";
import {
  decodeScalar,
  type JsonRule,
  type RuleValue,
  type ValueRule,
  type VariableDefinition,
} from "./environment/rules.ts";
import { llmProviders } from "./environment/contract.ts";
import { buildPriceTable, type PriceTable } from "./spend/prices.ts";
import { buildRoutingTable, defaultTiers, type RoutingTable } from "./resilience/routing.ts";

/** An OpenAI-compatible provider: Gemini, or one of `LLM_PROVIDERS`. */
export interface CompatibleProviderConfig {
  /** Base URL including the version path. */
  baseUrl: string;
  /** Its API key, read from the variable the definition names; none for keyless local servers. */
  apiKey: string | undefined;
  /** The variable the key comes from, for messages. @example "GROQ_API_KEY" */
  apiKeyVariable: string | undefined;
  /** Models a request may name directly. */
  models: readonly string[];
  /** True when the base URL is a public API that refuses requests without a key. */
  requiresKey: boolean;
}

/**
 * Everything the gateway reads from its environment, parsed once at startup. Names, limits and
 * defaults come from environment/contract.ts (docs/gateway-environment.md).
 */
export interface GatewayConfig {
  /** Anthropic API key (`ANTHROPIC_API_KEY`). */
  anthropicApiKey: string | undefined;
  /** `ANTHROPIC_BASE_URL`, without `/v1`. @default "https://api.anthropic.com" */
  anthropicBaseUrl: string;
  /** OpenAI API key (`OPENAI_API_KEY`). */
  openaiApiKey: string | undefined;
  /** `OPENAI_BASE_URL`, including `/v1`. @default "https://api.openai.com/v1" */
  openaiBaseUrl: string;
  /** `GEMINI_API_KEY`. */
  geminiApiKey: string | undefined;
  /** `GEMINI_BASE_URL`. @default "https://generativelanguage.googleapis.com/v1beta/openai" */
  geminiBaseUrl: string;
  /** OpenAI-compatible providers by name: `gemini` and those of `LLM_PROVIDERS`. */
  compatibleProviders: ReadonlyMap<string, CompatibleProviderConfig>;
  /** Tiers from `LLM_ROUTES` or the built-in ones. */
  routing: RoutingTable;
  /** `LLM_PRICES` merged over the built-in prices. */
  prices: PriceTable;
  /** `LLM_DAILY_CAP_USD`; no cap when undefined. */
  dailyCapUsd: number | undefined;
  /** `LLM_CACHE_TTL_S`: exact and semantic chat caches, at most 30 days. @default 3600 */
  cacheTtlSeconds: number;
  /** `LLM_CACHE_MAX_TEMPERATURE`: cacheable up to this temperature (or with a seed). @default 0.3 */
  cacheMaxTemperature: number;
  /** `LLM_CACHE_VERSION`: namespace of the chat caches (the deployed artifact). @default "local" */
  cacheVersion: string;
  /** `LLM_SEMANTIC_DISTANCE_THRESHOLD`: largest cosine distance served. @default 0.12 */
  semanticDistanceThreshold: number;
  /** `DATABASE_URL`, else `SUPABASE_DB_URL`; semantic cache and ledger off when undefined. */
  databaseUrl: string | undefined;
  /** `JOB_MAX_ATTEMPTS`: attempts per step of a job submitted without `max_attempts`. @default 5 */
  jobMaxAttempts: number;
  /** `JOB_RETRY_BASE_MS`: first back-off of a failed step attempt. @default 2000 */
  jobRetryBaseMs: number;
  /** `JOB_RETRY_MAX_MS`: longest back-off between a step's attempts. @default 300000 */
  jobRetryMaxMs: number;
  /** `JOB_QUICK_TIME_BUDGET_MS`: how long a quick job runs in the gateway. @default 15000 */
  jobQuickTimeBudgetMs: number;
  /** `JOB_WEBHOOK_SECRETS`: webhook signing secrets by name; a job may name only these. */
  jobWebhookSecrets: ReadonlyMap<string, string>;
  /** `GATEWAY_ENVIRONMENT`: the stack, for the ledger and the spend alert. @default "local" */
  environmentName: string;
  /** `LLM_TIER_LADDER`: tiers of `tier:auto`, cheapest first. @default ["t0","t1","t2","t3"] */
  tierLadder: readonly string[];
  /** `LLM_HARD_CAP_USD`: cheap tiers serve past the daily cap until this; undefined: the cap is hard. */
  hardCapUsd: number | undefined;
  /** `LLM_SPEND_ALERT_FRACTION` of the cap that triggers the Slack alert. @default 0.8 */
  spendAlertFraction: number;
  /** `SLACK_WEBHOOK_URL` of the spend alert; none when undefined. */
  slackWebhookUrl: string | undefined;
  /** `EMBEDDING_CACHE_TTL_S`. @default 604800 */
  embeddingCacheTtlSeconds: number;
  /** `LLM_ATTEMPT_TIMEOUT_MS`: bound on one attempt (to the first chunk when streaming). @default 30000 */
  attemptTimeoutMs: number;
  /** `LLM_REQUEST_DEADLINE_MS`: bound on the whole request before it is answered. @default 60000 */
  requestDeadlineMs: number;
  /** `LLM_MAX_RETRIES`: retries per candidate after its first attempt. @default 3 */
  maxRetries: number;
  /** `LLM_RETRY_BASE_MS`: first backoff step, doubled per retry, with full jitter. @default 200 */
  retryBaseMs: number;
  /** `LLM_RETRY_AFTER_CAP_MS`: longest wait honoured from Retry-After. @default 10000 */
  retryAfterCapMs: number;
  /** `LLM_BREAKER_THRESHOLD`: consecutive failures that open a provider's breaker. @default 5 */
  breakerThreshold: number;
  /** `LLM_BREAKER_HALF_OPEN_AFTER_MS`: open time before one probe is let through. @default 60000 */
  breakerHalfOpenAfterMs: number;
  /** `LLM_STORE_TIMEOUT_MS`: bound on each remote store call. @default 250 */
  storeTimeoutMs: number;
  /** `LLM_DEFAULT_MAX_TOKENS`: Anthropic's required `max_tokens` and the budget estimate's output when the request sets none. @default 4096 */
  defaultMaxTokens: number;
  /** `GATEWAY_MAX_BODY_BYTES`. @default 1048576 */
  maxBodyBytes: number;
  /** `GATEWAY_MEMORY_STORE_MAX_BYTES`. @default 67108864 */
  memoryStoreMaxBytes: number;
  /** `GATEWAY_BODY_TIMEOUT_MS`. @default 10000 */
  bodyTimeoutMs: number;
  /** `LLM_MAX_RESPONSE_BYTES`. @default 16777216 */
  maxResponseBytes: number;
  /** `LLM_MAX_EVENT_BYTES`. @default 1048576 */
  maxEventBytes: number;
  /** `GATEWAY_CORS_ORIGINS`; CORS is off when empty, `["*"]` allows any origin without credentials. */
  corsOrigins: readonly string[];
  /** `GATEWAY_API_KEYS`, comma-separated; auth is off when empty. */
  apiKeys: readonly string[];
  /** `GATEWAY_RATE_LIMIT_PER_MINUTE` per caller; off when undefined. */
  rateLimitPerMinute: number | undefined;
  /** `UPSTASH_REDIS_REST_URL`. */
  upstashUrl: string | undefined;
  /** `UPSTASH_REDIS_REST_TOKEN`. */
  upstashToken: string | undefined;
  /** `REDIS_URL`. */
  redisUrl: string | undefined;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`; traces go to `${endpoint}/v1/traces`. */
  otlpEndpoint: string | undefined;
  /** `OTEL_SERVICE_NAME`. @default "llm-gateway" */
  serviceName: string;
  /** `OTEL_EXPORTER_OTLP_HEADERS`, parsed: sent with every OTLP export (a secret). */
  otlpHeaders: Record<string, string>;
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: full traces URL. */
  otlpTracesEndpoint: string | undefined;
  /** `OTEL_TRACES_SAMPLER`. @default "parentbased_always_on" */
  tracesSampler: string;
  /** `OTEL_TRACES_SAMPLER_ARG`. @default 1 */
  tracesSamplerArgument: number;
  /** `OTEL_METRICS_EXPORTER`. @default "none" */
  metricsExporter: string;
  /** `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`: full metrics URL. */
  otlpMetricsEndpoint: string | undefined;
  /** `GATEWAY_METRICS_TOKEN`: bearer token of /metrics and /status.json. */
  metricsToken: string | undefined;
  /** `GATEWAY_METRICS_FLUSH_MS`. @default 2000 */
  metricsFlushMs: number;
  /** `SENTRY_DSN`: error tracking when set. */
  sentryDsn: string | undefined;
  /** `POSTHOG_KEY`; analytics are off when unset. */
  posthogKey: string | undefined;
  /** `POSTHOG_HOST`. @default "https://us.i.posthog.com" */
  posthogHost: string;
  /** `ANALYTICS_SALT` for the hashed `distinct_id`; a random per-process salt when unset. */
  analyticsSalt: string | undefined;
  /** `LOG_LEVEL`. @default "info" */
  logLevel: LogLevelName;
}

/** A bad environment variable; the message names it and what is wrong. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Environment = Readonly<Record<string, string | undefined>>;
type ScalarRule = Exclude<ValueRule, JsonRule>;

function text(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** The variable's value, or undefined when it is unset. */
function optional<Rule extends ScalarRule>(
  environment: Environment,
  variable: VariableDefinition<Rule>,
): RuleValue<Rule> | undefined {
  const raw = text(environment, variable.name);
  if (raw === undefined) return undefined;
  const decoded = decodeScalar(variable.rule, raw);
  if (!decoded.ok) {
    throw new ConfigError(`${variable.name} must be ${decoded.expected}, got "${raw}".`);
  }
  return decoded.value;
}

/** The variable's value, or its contract default when it is unset. */
function withDefault<Rule extends ScalarRule>(
  environment: Environment,
  variable: VariableDefinition<Rule> & { readonly default: RuleValue<Rule> },
): RuleValue<Rule> {
  return optional(environment, variable) ?? variable.default;
}

function json<T>(
  environment: Environment,
  name: string,
  schema: z.ZodType<T> | undefined,
): T | undefined {
  const raw = text(environment, name);
  if (raw === undefined) return undefined;
  if (schema === undefined) throw new Error(`${name} was read without its schema loaded`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be JSON, got "${raw.slice(0, 80)}".`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const { path, message } = deepestIssue(result.error.issues);
    throw new ConfigError(`${name}${path.length > 0 ? `.${path.join(".")}` : ""}: ${message}.`);
  }
  return result.data;
}

/**
 * The most specific issue: a union ("list or object") reports "Invalid input" at its own path,
 * while the branch that got furthest knows which member is wrong.
 */
function deepestIssue(issues: readonly z.core.$ZodIssue[]): {
  path: PropertyKey[];
  message: string;
} {
  let best: { path: PropertyKey[]; message: string } = { path: [], message: "invalid value" };
  for (const issue of issues) {
    let candidate = { path: [...issue.path], message: issue.message };
    if (issue.code === "invalid_union") {
      for (const branch of issue.errors) {
        const inner = deepestIssue(branch);
        if (inner.path.length + issue.path.length > candidate.path.length) {
          candidate = { path: [...issue.path, ...inner.path], message: inner.message };
        }
      }
    }
    if (candidate.path.length >= best.path.length) best = candidate;
  }
  return best;
}

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` as the OpenTelemetry spec writes it: `key=value` pairs separated by
 * commas, values URL-encoded (W3C baggage format). Malformed pairs are skipped, as the spec says.
 */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  for (const pair of value.split(",")) {
    const separator = pair.indexOf("=");
    if (separator <= 0) continue;
    const key = pair.slice(0, separator).trim();
    const raw = pair.slice(separator + 1).trim();
    if (key === "" || raw === "") continue;
    try {
      headers[key] = decodeURIComponent(raw);
    } catch {
      headers[key] = raw;
    }
  }
  return headers;
}

/**
 * Parses and validates the environment against environment/contract.ts. Asynchronous because zod
 * (~2.5 ms of module evaluation under Deno, on every cold start) is imported only when
 * `LLM_ROUTES` or `LLM_PRICES` is set; every other variable is checked without it, by the same
 * predicates the contract's zod schemas use.
 * @throws ConfigError naming the variable at fault.
 */
export async function loadGatewayConfig(environment: Environment): Promise<GatewayConfig> {
  const schemas =
    text(environment, variables.routes.name) !== undefined ||
    text(environment, variables.prices.name) !== undefined ||
    text(environment, variables.providers.name) !== undefined ||
    text(environment, variables.jobWebhookSecrets.name) !== undefined
      ? await import("./config-schemas.ts")
      : undefined;
  const compatibleProviders = new Map<string, CompatibleProviderConfig>();
  const geminiBaseUrl = withDefault(environment, variables.geminiBaseUrl);
  const geminiApiKey = optional(environment, variables.geminiApiKey);
  compatibleProviders.set("gemini", {
    baseUrl: geminiBaseUrl,
    apiKey: geminiApiKey,
    apiKeyVariable: variables.geminiApiKey.name,
    models: [],
    requiresKey: geminiBaseUrl === variables.geminiBaseUrl.default,
  });
  const extraProviders = json(environment, variables.providers.name, schemas?.providersSchema);
  for (const [name, definition] of Object.entries(extraProviders ?? {})) {
    const variable = definition.apiKeyVariable;
    compatibleProviders.set(name, {
      baseUrl: definition.baseUrl.replace(/\/+$/, ""),
      apiKey: variable === undefined ? undefined : text(environment, variable),
      apiKeyVariable: variable,
      models: definition.models ?? [],
      requiresKey: false,
    });
  }
  const providerNames = [...llmProviders, ...Object.keys(extraProviders ?? {})];
  const routes = json(
    environment,
    variables.routes.name,
    schemas === undefined ? undefined : schemas.routesSchemaFor(providerNames),
  );
  const tiers = routes
    ? Object.fromEntries(
        Object.entries(routes).map(([name, tier]) => [
          name,
          Array.isArray(tier) ? { candidates: tier } : tier,
        ]),
      )
    : defaultTiers;
  return {
    anthropicApiKey: optional(environment, variables.anthropicApiKey),
    anthropicBaseUrl: withDefault(environment, variables.anthropicBaseUrl),
    openaiApiKey: optional(environment, variables.openaiApiKey),
    openaiBaseUrl: withDefault(environment, variables.openaiBaseUrl),
    geminiApiKey,
    geminiBaseUrl,
    compatibleProviders,
    routing: buildRoutingTable(
      tiers,
      new Map([...compatibleProviders].map(([name, provider]) => [name, provider.models] as const)),
    ),
    prices: buildPriceTable(json(environment, variables.prices.name, schemas?.pricesSchema)),
    dailyCapUsd: optional(environment, variables.dailyCapUsd),
    cacheTtlSeconds: withDefault(environment, variables.cacheTtlSeconds),
    cacheMaxTemperature: withDefault(environment, variables.cacheMaxTemperature),
    cacheVersion: withDefault(environment, variables.cacheVersion),
    semanticDistanceThreshold: withDefault(environment, variables.semanticDistanceThreshold),
    databaseUrl:
      optional(environment, variables.databaseUrl) ??
      optional(environment, variables.supabaseDatabaseUrl),
    jobMaxAttempts: withDefault(environment, variables.jobMaxAttempts),
    jobRetryBaseMs: withDefault(environment, variables.jobRetryBaseMs),
    jobRetryMaxMs: withDefault(environment, variables.jobRetryMaxMs),
    jobQuickTimeBudgetMs: withDefault(environment, variables.jobQuickTimeBudgetMs),
    jobWebhookSecrets: new Map(
      Object.entries(
        json(environment, variables.jobWebhookSecrets.name, schemas?.jobWebhookSecretsSchema) ?? {},
      ),
    ),
    environmentName: withDefault(environment, variables.environmentName),
    tierLadder: withDefault(environment, variables.tierLadder),
    hardCapUsd: optional(environment, variables.hardCapUsd),
    spendAlertFraction: withDefault(environment, variables.spendAlertFraction),
    slackWebhookUrl: optional(environment, variables.slackWebhookUrl),
    embeddingCacheTtlSeconds: withDefault(environment, variables.embeddingCacheTtlSeconds),
    attemptTimeoutMs: withDefault(environment, variables.attemptTimeoutMs),
    requestDeadlineMs: withDefault(environment, variables.requestDeadlineMs),
    maxRetries: withDefault(environment, variables.maxRetries),
    retryBaseMs: withDefault(environment, variables.retryBaseMs),
    retryAfterCapMs: withDefault(environment, variables.retryAfterCapMs),
    breakerThreshold: withDefault(environment, variables.breakerThreshold),
    breakerHalfOpenAfterMs: withDefault(environment, variables.breakerHalfOpenAfterMs),
    storeTimeoutMs: withDefault(environment, variables.storeTimeoutMs),
    defaultMaxTokens: withDefault(environment, variables.defaultMaxTokens),
    maxBodyBytes: withDefault(environment, variables.maxBodyBytes),
    memoryStoreMaxBytes: withDefault(environment, variables.memoryStoreMaxBytes),
    bodyTimeoutMs: withDefault(environment, variables.bodyTimeoutMs),
    maxResponseBytes: withDefault(environment, variables.maxResponseBytes),
    maxEventBytes: withDefault(environment, variables.maxEventBytes),
    corsOrigins: optional(environment, variables.corsOrigins) ?? [],
    apiKeys: optional(environment, variables.apiKeys) ?? [],
    rateLimitPerMinute: optional(environment, variables.rateLimitPerMinute),
    upstashUrl: optional(environment, variables.upstashUrl),
    upstashToken: optional(environment, variables.upstashToken),
    redisUrl: optional(environment, variables.redisUrl),
    otlpEndpoint: optional(environment, variables.otlpEndpoint),
    serviceName: withDefault(environment, variables.serviceName),
    otlpHeaders: parseOtlpHeaders(optional(environment, variables.otlpHeaders)),
    otlpTracesEndpoint: optional(environment, variables.otlpTracesEndpoint),
    tracesSampler: withDefault(environment, variables.tracesSampler),
    tracesSamplerArgument: withDefault(environment, variables.tracesSamplerArgument),
    metricsExporter: withDefault(environment, variables.metricsExporter),
    otlpMetricsEndpoint: optional(environment, variables.otlpMetricsEndpoint),
    metricsToken: optional(environment, variables.metricsToken),
    metricsFlushMs: withDefault(environment, variables.metricsFlushMs),
    sentryDsn: optional(environment, variables.sentryDsn),
    posthogKey: optional(environment, variables.posthogKey),
    posthogHost: withDefault(environment, variables.posthogHost),
    analyticsSalt: optional(environment, variables.analyticsSalt),
    logLevel: withDefault(environment, variables.logLevel),
  };
}

/** Values that must never appear in logs or analytics, for the redactor. */
export function secretValues(config: GatewayConfig): string[] {
  return [
    config.anthropicApiKey,
    config.openaiApiKey,
    ...[...config.compatibleProviders.values()].map((provider) => provider.apiKey),
    config.upstashToken,
    config.redisUrl,
    config.databaseUrl,
    config.slackWebhookUrl,
    ...config.apiKeys,
    ...Object.values(config.otlpHeaders),
    config.metricsToken,
    config.sentryDsn,
    ...config.jobWebhookSecrets.values(),
  ].filter((value): value is string => value !== undefined);
}
