// The one definition of every environment variable the gateway reads: name, shape and limits,
// default, and the stack key infra/ builds it from. The gateway parses its environment with it
// (config.ts) and infra/ validates the stack config and writes the Supabase secrets with it
// (infra/config-gateway-schema.ts, infra/supabase/gateway-environment.ts), so the two cannot
// disagree. docs/gateway-environment.md describes it for people.
//
// Only type imports here (see rules.ts for why); zod is handed in by the caller.
import type * as zod from "zod";
import type { VariableDefinition, Zod } from "./rules.ts";

/**
 * The built-in providers: Anthropic's Messages API, OpenAI, and Gemini through its
 * OpenAI-compatible endpoint. `LLM_PROVIDERS` adds more OpenAI-compatible ones by name.
 */
export const llmProviders = ["anthropic", "openai", "gemini"] as const;

/** A built-in provider. */
export type LlmProvider = (typeof llmProviders)[number];

/** One provider/model pair of a tier. */
export interface RouteCandidate {
  /** Which provider serves it: a built-in one, or a name from `LLM_PROVIDERS`. */
  provider: string;
  /** The provider's model id. @example "gpt-4o-mini" */
  model: string;
}

/** A tier: its candidates in order, or the candidates with the expensive flag. */
export type RouteDefinition =
  RouteCandidate[] | { expensive?: boolean | undefined; candidates: RouteCandidate[] };

/** USD per million tokens of one model. */
export interface PriceDefinition {
  /** USD per million input tokens. */
  inputPerMillion: number;
  /** USD per million output tokens. */
  outputPerMillion: number;
}

/** The `LLM_PROVIDERS` schema: provider name to an OpenAI-compatible endpoint. */
export function providersSchema(z: Zod): zod.ZodType<Record<string, CompatibleProviderDefinition>> {
  return z.record(
    z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, {
        error: "must be a provider name (lowercase letters, digits, -)",
      })
      .refine((name) => !(llmProviders as readonly string[]).includes(name), {
        error: `must not be a built-in provider (${llmProviders.join(", ")})`,
      }),
    z.strictObject(
      {
        baseUrl: z.url({ error: "must be an absolute URL" }),
        apiKeyVariable: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/, { error: "must be an environment variable name" })
          .optional(),
        models: z.array(z.string().min(1), { error: "must be a list of model names" }).optional(),
      },
      { error: "must be a map: { baseUrl, apiKeyVariable?, models? }" },
    ),
    { error: "must map provider names to { baseUrl, apiKeyVariable?, models? }" },
  );
}

/** The log levels, least to most severe. */
export const logLevels = ["debug", "info", "warn", "error"] as const;

/** A log level. */
export type LogLevelName = (typeof logLevels)[number];

/** One OpenAI-compatible provider of `LLM_PROVIDERS`. */
export interface CompatibleProviderDefinition {
  /** Base URL including the version path; the gateway calls `${baseUrl}/chat/completions`. @example "https://api.groq.com/openai/v1" */
  baseUrl: string;
  /** The environment variable holding its API key (sent as a bearer token); none for local servers. @example "GROQ_API_KEY" */
  apiKeyVariable?: string | undefined;
  /** Models a request may name directly, even when no tier lists them. @default [] */
  models?: string[] | undefined;
}

/**
 * The `LLM_ROUTES` schema (and `platform:llm.routes`): tier name to its candidates, as a list or
 * as `{ expensive, candidates }`. Messages complete "`<key>` must ...". `providers` are the names
 * a candidate may use: the built-in ones unless the gateway adds those of `LLM_PROVIDERS`.
 */
export function routesSchema(
  z: Zod,
  providers: readonly string[] = llmProviders,
): zod.ZodType<Record<string, RouteDefinition>> {
  const modelError = "must be a model name";
  const candidate = z.strictObject(
    {
      provider: z.enum(providers as [string, ...string[]], {
        error: `must be one of ${providers.join(", ")}`,
      }),
      model: z.string({ error: modelError }).min(1, { error: modelError }),
    },
    { error: "must be a map: { provider, model }" },
  );
  const candidates = z
    .array(candidate, { error: "must be a list of {provider, model}" })
    .min(1, { error: "must list at least one candidate" });
  const tier = z.union(
    [
      candidates,
      z.strictObject({
        expensive: z.boolean({ error: "must be true or false" }).optional(),
        candidates,
      }),
    ],
    { error: "must be a list of {provider, model} or {expensive, candidates}" },
  );
  return z.record(z.string().min(1, { error: "must be a tier name" }), tier, {
    error: "must map tier names to routes",
  });
}

/** The `LLM_PRICES` schema (and `platform:llm.prices`): model to USD per million tokens. */
export function pricesSchema(z: Zod): zod.ZodType<Record<string, PriceDefinition>> {
  const usd = z
    .number({ error: "must be a number of US dollars" })
    .nonnegative({ error: "must be zero or more US dollars" });
  return z.record(
    z.string().min(1, { error: "must be a model name" }),
    z.strictObject(
      { inputPerMillion: usd, outputPerMillion: usd },
      { error: "must be a map: { inputPerMillion, outputPerMillion }" },
    ),
    { error: "must map model names to {inputPerMillion, outputPerMillion}" },
  );
}

/**
 * The `JOB_WEBHOOK_SECRETS` schema: signing secret name to secret (at least 16 characters). The
 * job worker's contract (functions/job-worker/environment.ts) holds the same one.
 */
export function jobWebhookSecretsSchema(z: Zod): zod.ZodType<Record<string, string>> {
  return z.record(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be a secret name (letters, digits, _ . -)" }),
    z.string().min(16, { error: "must be a secret of at least 16 characters" }),
    { error: "must map secret names to secrets" },
  );
}

// Supabase Edge Functions stop a worker after 400 s of wall-clock time on paid plans (150 s on the
// free plan): no attempt or request can usefully last longer.
const wallClockLimitMs = 400_000;

const milliseconds = (minimum: number, maximum?: number) =>
  ({
    kind: "number",
    integer: true,
    minimum,
    unit: "milliseconds",
    ...(maximum === undefined ? {} : { maximum }),
  }) as const;

/**
 * Every variable the gateway reads, keyed by the name the gateway's config (and, for the
 * `platform:gateway` knobs, the stack file) uses.
 */
export const gatewayEnvironment = {
  anthropicApiKey: {
    name: "ANTHROPIC_API_KEY",
    doc: "Anthropic API key; Anthropic candidates fail without it.",
    rule: { kind: "text" },
    defaultSource: "none",
    stackKey: "platform:anthropicApiKey",
    secret: true,
  },
  anthropicBaseUrl: {
    name: "ANTHROPIC_BASE_URL",
    doc: "Base of the Messages API, without /v1 (the gateway calls ${base}/v1/messages).",
    rule: { kind: "url" },
    default: "https://api.anthropic.com",
    defaultSource: "Anthropic's public API",
    stackKey: "platform:gateway.anthropicBaseUrl",
    secret: false,
  },
  openaiApiKey: {
    name: "OPENAI_API_KEY",
    doc: "OpenAI API key; OpenAI candidates fail without it.",
    rule: { kind: "text" },
    defaultSource: "none",
    stackKey: "platform:openaiApiKey",
    secret: true,
  },
  openaiBaseUrl: {
    name: "OPENAI_BASE_URL",
    doc: "Base of the OpenAI API, including /v1 (${base}/chat/completions, ${base}/embeddings).",
    rule: { kind: "url" },
    default: "https://api.openai.com/v1",
    defaultSource: "OpenAI's public API",
    stackKey: "platform:gateway.openaiBaseUrl",
    secret: false,
  },
  geminiApiKey: {
    name: "GEMINI_API_KEY",
    doc: "Gemini API key (Google AI Studio); without it Gemini candidates are skipped.",
    rule: { kind: "text" },
    defaultSource: "none",
    stackKey: "platform:geminiApiKey",
    secret: true,
  },
  geminiBaseUrl: {
    name: "GEMINI_BASE_URL",
    doc: "Base of Gemini's OpenAI-compatible API (${base}/chat/completions, ${base}/embeddings).",
    rule: { kind: "url" },
    default: "https://generativelanguage.googleapis.com/v1beta/openai",
    defaultSource: "Google's OpenAI-compatible Gemini endpoint",
    stackKey: "platform:gateway.geminiBaseUrl",
    secret: false,
  },
  providers: {
    name: "LLM_PROVIDERS",
    doc: "More OpenAI-compatible providers (Groq, Mistral, a local server): name to { baseUrl, apiKeyVariable?, models? }; the names can then be used in LLM_ROUTES. The key variable is read from the environment and redacted like the others.",
    rule: { kind: "json", schema: providersSchema },
    defaultSource: "none: only the built-in providers",
    setBy: "the operator (supabase secrets set), with the key variables it names",
    secret: false,
  },
  routes: {
    name: "LLM_ROUTES",
    doc: "Routing table: tier name to ordered candidates, as a list or { expensive, candidates }. Infra writes the tiers of platform:llm.expensiveTiers in the second form.",
    rule: { kind: "json", schema: routesSchema },
    defaultSource:
      "built-in tiers default, fast, smart (expensive), embedding (functions/llm-gateway/resilience/routing.ts)",
    stackKey: "platform:llm.routes",
    secret: false,
  },
  prices: {
    name: "LLM_PRICES",
    doc: "USD per million input and output tokens by model, merged over the built-in table.",
    rule: { kind: "json", schema: pricesSchema },
    defaultSource: "built-in list prices (functions/llm-gateway/spend/prices.ts)",
    stackKey: "platform:llm.prices",
    secret: false,
  },
  dailyCapUsd: {
    name: "LLM_DAILY_CAP_USD",
    doc: "Daily spend cap in US dollars (UTC day), enforced atomically in the store. Zero is refused on both sides: to stop all spending, take the routes away; to have no cap, leave the variable unset (infra always sets it).",
    rule: { kind: "number", integer: false, minimum: 0, exclusiveMinimum: true },
    defaultSource: "none: no cap when unset",
    stackKey: "platform:budget.dailyUsd",
    secret: false,
  },
  defaultMaxTokens: {
    name: "LLM_DEFAULT_MAX_TOKENS",
    doc: "Anthropic's required max_tokens, and the budget estimate's output allowance, when a request sets none.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "tokens" },
    default: 4096,
    defaultSource: "gateway (no seed figure)",
    stackKey: "platform:gateway.defaultMaxTokens",
    secret: false,
  },
  cacheTtlSeconds: {
    name: "LLM_CACHE_TTL_S",
    doc: "How long a cached chat answer is served, by the exact and the semantic cache (at most 30 days).",
    rule: { kind: "number", integer: true, minimum: 1, maximum: 2_592_000, unit: "seconds" },
    default: 3600,
    defaultSource: "seeds: response cache TTL of 1 hour (at most 30 days, the seeds' longest)",
    stackKey: "platform:cache.responseTtlSeconds",
    secret: false,
  },
  embeddingCacheTtlSeconds: {
    name: "EMBEDDING_CACHE_TTL_S",
    doc: "How long a cached embedding is served.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "seconds" },
    default: 604_800,
    defaultSource: "seeds: embeddings cached for 7 days",
    stackKey: "platform:cache.embeddingTtlSeconds",
    secret: false,
  },
  cacheMaxTemperature: {
    name: "LLM_CACHE_MAX_TEMPERATURE",
    doc: "Chat requests are cacheable (exact and semantic) when their temperature is at most this, or when they carry a seed; no temperature means the provider's default (1).",
    rule: { kind: "number", integer: false, minimum: 0, maximum: 2 },
    default: 0.3,
    defaultSource: "seeds: LLM responses are cached for temperature <= 0.3",
    stackKey: "platform:cache.maxTemperature",
    secret: false,
  },
  cacheVersion: {
    name: "LLM_CACHE_VERSION",
    doc: "Namespace of cached chat answers: a new value starts both chat caches cold. Infra writes platform:cache.cacheVersion, or the deployed artifact's hash when that is unset, so answers live until the app deploys.",
    rule: { kind: "text" },
    default: "local",
    defaultSource: "gateway (infra: the deployed artifact's SHA-256)",
    stackKey: "platform:cache.cacheVersion",
    secret: false,
  },
  semanticDistanceThreshold: {
    name: "LLM_SEMANTIC_DISTANCE_THRESHOLD",
    doc: "Largest cosine distance between a request's embedding and a stored one that still serves the stored answer from the semantic cache.",
    rule: { kind: "number", integer: false, minimum: 0, maximum: 2 },
    default: 0.12,
    defaultSource: "seeds: reuse a prior answer when the cosine distance is <= 0.12",
    stackKey: "platform:cache.semanticDistanceThreshold",
    secret: false,
  },
  databaseUrl: {
    name: "DATABASE_URL",
    doc: "Postgres URL of the semantic cache and the cost ledger (a Supavisor transaction-pooler URL, port 6543, when connections must be pooled); falls back to SUPABASE_DB_URL. Without either, both are off.",
    rule: { kind: "text" },
    defaultSource: "SUPABASE_DB_URL",
    stackKey: "platform:databaseUrl",
    setBy: "npm start (PGlite)",
    secret: true,
  },
  supabaseDatabaseUrl: {
    name: "SUPABASE_DB_URL",
    doc: "The project's database URL, set by Supabase's Edge Runtime; used when DATABASE_URL is unset.",
    rule: { kind: "text" },
    defaultSource: "none: semantic cache and ledger off",
    setBy: "Supabase's Edge Runtime",
    secret: true,
  },
  jobMaxAttempts: {
    name: "JOB_MAX_ATTEMPTS",
    doc: "Attempts each step of a job gets before the job fails, unless the job asks otherwise; stored with the job when it is submitted. The job worker reads the same variable.",
    rule: { kind: "number", integer: true, minimum: 1, maximum: 100, unit: "attempts" },
    default: 5,
    defaultSource: "platform (no seed figure); the same as the job worker's",
    setBy: "the operator (supabase secrets set JOB_MAX_ATTEMPTS=...), shared with the job worker",
    secret: false,
  },
  jobRetryBaseMs: {
    name: "JOB_RETRY_BASE_MS",
    doc: "First back-off after a failed step attempt of a quick job; it doubles per attempt (jittered) up to JOB_RETRY_MAX_MS. The job worker reads the same variable.",
    rule: milliseconds(0),
    default: 2_000,
    defaultSource: "platform (no seed figure); the same as the job worker's",
    setBy: "the operator, shared with the job worker",
    secret: false,
  },
  jobRetryMaxMs: {
    name: "JOB_RETRY_MAX_MS",
    doc: "Longest back-off between a step's attempts. The job worker reads the same variable.",
    rule: milliseconds(0),
    default: 300_000,
    defaultSource: "platform (no seed figure); the same as the job worker's",
    setBy: "the operator, shared with the job worker",
    secret: false,
  },
  jobQuickTimeBudgetMs: {
    name: "JOB_QUICK_TIME_BUDGET_MS",
    doc: 'How long the gateway runs a `"mode": "quick"` job after its 202; a step still running then is released to the job worker. Within Supabase\'s 150 s wall clock of the free plan, which background work counts against.',
    rule: milliseconds(1_000, 120_000),
    default: 15_000,
    defaultSource: "seeds: quick jobs take at most 15 s",
    setBy: "the operator (supabase secrets set JOB_QUICK_TIME_BUDGET_MS=...)",
    secret: false,
  },
  jobWebhookSecrets: {
    name: "JOB_WEBHOOK_SECRETS",
    doc: 'Completion webhook signing secrets by name, as JSON ({"default": "..."}). The gateway refuses a job naming another secret with a 400; the job worker signs with them.',
    rule: { kind: "json", schema: jobWebhookSecretsSchema },
    defaultSource: "none: jobs cannot ask for webhooks",
    setBy:
      "the operator (supabase secrets set JOB_WEBHOOK_SECRETS=...), shared with the job worker",
    secret: true,
  },
  environmentName: {
    name: "GATEWAY_ENVIRONMENT",
    doc: "The stack's name, written in the cost ledger and the spend alert.",
    rule: { kind: "text" },
    default: "local",
    defaultSource: "gateway",
    stackKey: "platform:environment",
    secret: false,
  },
  tierLadder: {
    name: "LLM_TIER_LADDER",
    doc: "Tiers of tier:auto, cheapest first: a request starts at the first tier with a configured candidate and escalates one tier at a time on failure.",
    rule: { kind: "list" },
    default: ["t0", "t1", "t2", "t3"] as string[],
    defaultSource: "seeds: tiers T0 to T3",
    stackKey: "platform:llm.tierLadder",
    secret: false,
  },
  hardCapUsd: {
    name: "LLM_HARD_CAP_USD",
    doc: "Daily hard cap in US dollars: past LLM_DAILY_CAP_USD only expensive tiers are refused, and the other tiers keep serving until this one. Unset: LLM_DAILY_CAP_USD is the limit of every tier.",
    rule: { kind: "number", integer: false, minimum: 0, exclusiveMinimum: true },
    defaultSource: "none: the daily cap is hard",
    stackKey: "platform:budget.hardCapUsd",
    secret: false,
  },
  spendAlertFraction: {
    name: "LLM_SPEND_ALERT_FRACTION",
    doc: "Fraction of LLM_DAILY_CAP_USD past which the day's spend is posted to SLACK_WEBHOOK_URL, once per day and stack.",
    rule: { kind: "number", integer: false, minimum: 0, exclusiveMinimum: true, maximum: 1 },
    default: 0.8,
    defaultSource: "seeds: spend alerts above 80 % of the cap",
    stackKey: "platform:budget.alertFraction",
    secret: false,
  },
  slackWebhookUrl: {
    name: "SLACK_WEBHOOK_URL",
    doc: "Slack incoming webhook of the spend alert; no alert when unset.",
    rule: { kind: "url" },
    defaultSource: "none: no spend alert",
    stackKey: "platform:slackWebhookUrl",
    secret: true,
  },
  attemptTimeoutMs: {
    name: "LLM_ATTEMPT_TIMEOUT_MS",
    doc: "One upstream attempt: until the full JSON answer, or the first chunk when streaming; after that, the longest silence between chunks.",
    rule: milliseconds(1, wallClockLimitMs),
    default: 30_000,
    defaultSource: "seeds: 30 s timeout",
    stackKey: "platform:gateway.attemptTimeoutMs",
    secret: false,
  },
  requestDeadlineMs: {
    name: "LLM_REQUEST_DEADLINE_MS",
    doc: "The whole request until it is answered (for streams: until the first chunk); 504 once passed.",
    rule: milliseconds(1, wallClockLimitMs),
    default: 60_000,
    defaultSource: "gateway (no seed figure)",
    stackKey: "platform:gateway.requestDeadlineMs",
    secret: false,
  },
  maxRetries: {
    name: "LLM_MAX_RETRIES",
    doc: "Retries per candidate after its first attempt, with exponential back-off, before falling back to the next candidate.",
    rule: { kind: "number", integer: true, minimum: 0, maximum: 10, unit: "retries" },
    default: 3,
    defaultSource: "seeds: exponential back-off, at most 3 retries",
    stackKey: "platform:gateway.maxRetries",
    secret: false,
  },
  retryBaseMs: {
    name: "LLM_RETRY_BASE_MS",
    doc: "First back-off step: retry k waits a random time in [base*2^(k-1)/2, base*2^(k-1)].",
    rule: milliseconds(0),
    default: 200,
    defaultSource: "gateway (the seeds say exponential, with no figure)",
    stackKey: "platform:gateway.retryBaseMs",
    secret: false,
  },
  retryAfterCapMs: {
    name: "LLM_RETRY_AFTER_CAP_MS",
    doc: "Longest Retry-After the gateway honours.",
    rule: milliseconds(0),
    default: 10_000,
    defaultSource: "gateway (no seed figure)",
    stackKey: "platform:gateway.retryAfterCapMs",
    secret: false,
  },
  breakerThreshold: {
    name: "LLM_BREAKER_THRESHOLD",
    doc: "Consecutive failed attempts that open a provider's circuit breaker.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "failures" },
    default: 5,
    defaultSource: "seeds: the breaker opens after 5 failures",
    stackKey: "platform:gateway.breakerThreshold",
    secret: false,
  },
  breakerHalfOpenAfterMs: {
    name: "LLM_BREAKER_HALF_OPEN_AFTER_MS",
    doc: "How long a breaker stays open before one half-open probe goes through.",
    rule: milliseconds(0),
    default: 60_000,
    defaultSource: "seeds: the breaker resets after 60 s",
    stackKey: "platform:gateway.breakerHalfOpenAfterMs",
    secret: false,
  },
  storeTimeoutMs: {
    name: "LLM_STORE_TIMEOUT_MS",
    doc: "Bound on every Redis/Upstash call; on timeout or error the cache is bypassed, and after a timeout store calls fail at once for 1 s.",
    rule: milliseconds(1),
    default: 250,
    defaultSource: "gateway (no seed figure)",
    stackKey: "platform:gateway.storeTimeoutMs",
    secret: false,
  },
  maxBodyBytes: {
    name: "GATEWAY_MAX_BODY_BYTES",
    doc: "Largest request body; larger ones get 413.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "bytes" },
    default: 1_048_576,
    defaultSource: "gateway (1 MiB; no seed figure)",
    stackKey: "platform:gateway.maxBodyBytes",
    secret: false,
  },
  memoryStoreMaxBytes: {
    name: "GATEWAY_MEMORY_STORE_MAX_BYTES",
    doc: "Byte bound of the in-memory store used when no Redis/Upstash is configured (npm start, or an isolate without a store): cached answers are evicted least recently used first; budget counters and breaker state never are.",
    rule: { kind: "number", integer: true, minimum: 1_048_576, unit: "bytes" },
    default: 67_108_864,
    defaultSource: "gateway (64 MiB; no seed figure)",
    stackKey: "platform:gateway.memoryStoreMaxBytes",
    secret: false,
  },
  bodyTimeoutMs: {
    name: "GATEWAY_BODY_TIMEOUT_MS",
    doc: "How long the request body may take to arrive (e.g. a Content-Length larger than the body); 408 once passed.",
    rule: milliseconds(1, wallClockLimitMs),
    default: 10_000,
    defaultSource: "gateway (no seed figure)",
    stackKey: "platform:gateway.bodyTimeoutMs",
    secret: false,
  },
  maxResponseBytes: {
    name: "LLM_MAX_RESPONSE_BYTES",
    doc: "Largest JSON answer read from a provider; a larger one fails the attempt (the next candidate is tried).",
    rule: { kind: "number", integer: true, minimum: 1, unit: "bytes" },
    default: 16_777_216,
    defaultSource: "gateway (16 MiB; no seed figure)",
    stackKey: "platform:gateway.maxResponseBytes",
    secret: false,
  },
  maxEventBytes: {
    name: "LLM_MAX_EVENT_BYTES",
    doc: "Largest single server-sent event read from a provider's stream; a larger one fails the stream.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "bytes" },
    default: 1_048_576,
    defaultSource: "gateway (1 MiB; no seed figure)",
    stackKey: "platform:gateway.maxEventBytes",
    secret: false,
  },
  corsOrigins: {
    name: "GATEWAY_CORS_ORIGINS",
    doc: "Comma-separated origins browsers may call the gateway from (e.g. https://app.example.com), or * for any origin (then without credentials). CORS is off when unset.",
    rule: { kind: "list" },
    defaultSource: "none: no cross-origin access",
    stackKey: "platform:gateway.corsOrigins",
    secret: false,
  },
  apiKeys: {
    name: "GATEWAY_API_KEYS",
    doc: "Comma-separated client keys; when set, a missing or wrong Authorization: Bearer (or x-api-key) gets 401.",
    rule: { kind: "list" },
    defaultSource: "none: auth is off when unset",
    stackKey: "platform:gatewayApiKeys",
    secret: true,
  },
  rateLimitPerMinute: {
    name: "GATEWAY_RATE_LIMIT_PER_MINUTE",
    doc: "Requests per caller per minute (fixed window in the store); over it: 429 with retry-after.",
    rule: { kind: "number", integer: true, minimum: 1, unit: "requests" },
    defaultSource: "none: off when unset (the seeds give an alert threshold, not a limit)",
    stackKey: "platform:gateway.rateLimitPerMinute",
    secret: false,
  },
  upstashUrl: {
    name: "UPSTASH_REDIS_REST_URL",
    doc: "Upstash REST endpoint of the shared store (cache, breaker, budget, rate limit).",
    rule: { kind: "text" },
    defaultSource: "none: memory store when no store is set",
    setBy: "the CacheStore component (Upstash)",
    secret: false,
  },
  upstashToken: {
    name: "UPSTASH_REDIS_REST_TOKEN",
    doc: "Upstash REST token.",
    rule: { kind: "text" },
    defaultSource: "none",
    setBy: "the CacheStore component (Upstash)",
    secret: true,
  },
  redisUrl: {
    name: "REDIS_URL",
    doc: "Redis TCP store, used when no Upstash variables are set.",
    rule: { kind: "text" },
    defaultSource: "none",
    setBy: "local runs and tests",
    secret: true,
  },
  otlpEndpoint: {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    doc: "OTLP/HTTP endpoint; traces go to ${endpoint}/v1/traces. Tracing is off when unset.",
    rule: { kind: "url" },
    defaultSource: "none: tracing off",
    stackKey: "platform:gateway.otlpEndpoint",
    secret: false,
  },
  serviceName: {
    name: "OTEL_SERVICE_NAME",
    doc: "service.name of the traces.",
    rule: { kind: "text" },
    default: "llm-gateway",
    defaultSource: "the function's slug",
    stackKey: "platform:gateway.serviceName",
    secret: false,
  },
  otlpHeaders: {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    doc: "Headers of every OTLP export, key=value pairs separated by commas (values URL-encoded), e.g. a hosted backend's API key.",
    rule: { kind: "text" },
    defaultSource: "none",
    stackKey: "platform:otlpHeaders",
    secret: true,
  },
  otlpTracesEndpoint: {
    name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    doc: "Full URL traces are POSTed to, instead of ${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces; turns tracing on by itself.",
    rule: { kind: "url" },
    defaultSource: "${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces",
    setBy: "the operator (supabase secrets set), for a backend with a separate traces URL",
    secret: false,
  },
  tracesSampler: {
    name: "OTEL_TRACES_SAMPLER",
    doc: "Which traces are recorded (the OpenTelemetry sampler names).",
    rule: {
      kind: "choice",
      options: [
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
      ],
    },
    default: "parentbased_always_on",
    defaultSource: "OpenTelemetry's default",
    setBy: "the operator (supabase secrets set), to sample",
    secret: false,
  },
  tracesSamplerArgument: {
    name: "OTEL_TRACES_SAMPLER_ARG",
    doc: "The ratio of the traceidratio samplers.",
    rule: { kind: "number", integer: false, minimum: 0, maximum: 1, unit: "fraction" },
    default: 1,
    defaultSource: "OpenTelemetry's default",
    setBy: "the operator, with OTEL_TRACES_SAMPLER",
    secret: false,
  },
  metricsExporter: {
    name: "OTEL_METRICS_EXPORTER",
    doc: "otlp pushes the metrics (OTLP/HTTP JSON, cumulative) every GATEWAY_METRICS_FLUSH_MS to the metrics endpoint, for backends that do not scrape.",
    rule: { kind: "choice", options: ["none", "otlp"] },
    default: "none",
    defaultSource: "gateway: /metrics is scraped",
    setBy: "the operator (supabase secrets set), for a hosted metrics backend",
    secret: false,
  },
  otlpMetricsEndpoint: {
    name: "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    doc: "Full URL metrics are POSTed to when OTEL_METRICS_EXPORTER is otlp.",
    rule: { kind: "url" },
    defaultSource: "${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics",
    setBy: "the operator, with OTEL_METRICS_EXPORTER",
    secret: false,
  },
  metricsToken: {
    name: "GATEWAY_METRICS_TOKEN",
    doc: "Bearer token /metrics and the status page's data require; open when unset (local runs).",
    rule: { kind: "text" },
    defaultSource: "none: open",
    stackKey: "platform:metricsToken",
    secret: true,
  },
  metricsFlushMs: {
    name: "GATEWAY_METRICS_FLUSH_MS",
    doc: "Longest a metric update waits in an isolate before it is added to the store's totals (and pushed, with OTLP).",
    rule: { kind: "number", integer: true, minimum: 10, unit: "ms" },
    default: 2000,
    defaultSource: "gateway",
    stackKey: "platform:gateway.metricsFlushMs",
    secret: false,
  },
  sentryDsn: {
    name: "SENTRY_DSN",
    doc: "Sentry DSN; unexpected errors (500s, translation failures) are reported, redacted. Off when unset.",
    rule: { kind: "url" },
    defaultSource: "none: error tracking off",
    stackKey: "platform:sentryDsn",
    secret: true,
  },
  posthogKey: {
    name: "POSTHOG_KEY",
    doc: "PostHog project key (a public ingest key); analytics are off when unset.",
    rule: { kind: "text" },
    defaultSource: "none: analytics off",
    stackKey: "platform:posthog.projectKey",
    secret: false,
  },
  posthogHost: {
    name: "POSTHOG_HOST",
    doc: "PostHog ingest host.",
    rule: { kind: "url" },
    default: "https://us.i.posthog.com",
    defaultSource: "PostHog's US cloud",
    stackKey: "platform:posthog.host",
    secret: false,
  },
  analyticsSalt: {
    name: "ANALYTICS_SALT",
    doc: "Salt of the hashed distinct_id; set it for ids stable across processes.",
    rule: { kind: "text" },
    defaultSource: "a random salt per process",
    setBy: "the operator (supabase secrets set), when stable ids are wanted",
    secret: true,
  },
  logLevel: {
    name: "LOG_LEVEL",
    doc: "Least severe log level written.",
    rule: { kind: "choice", options: logLevels },
    default: "info",
    defaultSource: "gateway",
    stackKey: "platform:gateway.logLevel",
    secret: false,
  },
  port: {
    name: "PORT",
    doc: "Local listen port (npm run gateway); on Supabase the platform owns the listener.",
    rule: { kind: "number", integer: true, minimum: 0, maximum: 65_535 },
    default: 8000,
    defaultSource: "gateway entry (functions/llm-gateway/index.ts)",
    setBy: "local runs",
    secret: false,
  },
  host: {
    name: "HOST",
    doc: "Local listen address (npm run gateway).",
    rule: { kind: "text" },
    default: "127.0.0.1",
    defaultSource: "gateway entry (functions/llm-gateway/index.ts)",
    setBy: "local runs",
    secret: false,
  },
  supabaseUrl: {
    name: "SUPABASE_URL",
    doc: "Set by Supabase's Edge Runtime; without PORT it tells the entry that the platform owns the listener.",
    rule: { kind: "url" },
    defaultSource: "none",
    setBy: "Supabase's Edge Runtime",
    secret: false,
  },
} as const satisfies Record<string, VariableDefinition>;

/** The name of a gateway variable in {@link gatewayEnvironment}. */
export type GatewayVariableKey = keyof typeof gatewayEnvironment;

/**
 * The knobs of the `platform:gateway` stack section: each is `platform:gateway.<key>` and the
 * variable {@link gatewayEnvironment}`[key]`.
 */
export const gatewayKnobKeys = [
  "attemptTimeoutMs",
  "requestDeadlineMs",
  "maxRetries",
  "retryBaseMs",
  "retryAfterCapMs",
  "breakerThreshold",
  "breakerHalfOpenAfterMs",
  "storeTimeoutMs",
  "defaultMaxTokens",
  "maxBodyBytes",
  "memoryStoreMaxBytes",
  "bodyTimeoutMs",
  "maxResponseBytes",
  "maxEventBytes",
  "corsOrigins",
  "rateLimitPerMinute",
  "logLevel",
  "anthropicBaseUrl",
  "openaiBaseUrl",
  "geminiBaseUrl",
  "otlpEndpoint",
  "serviceName",
  "metricsFlushMs",
] as const satisfies readonly GatewayVariableKey[];

/** A key of the `platform:gateway` stack section. */
export type GatewayKnobKey = (typeof gatewayKnobKeys)[number];

/** Values of the `platform:gateway` section; an absent knob leaves the gateway's default. */
export type GatewayKnobs = {
  [Key in GatewayKnobKey]?: (typeof gatewayEnvironment)[Key]["rule"] extends { kind: "number" }
    ? number
    : (typeof gatewayEnvironment)[Key]["rule"] extends { kind: "choice" }
      ? LogLevelName
      : (typeof gatewayEnvironment)[Key]["rule"] extends { kind: "list" }
        ? string[]
        : string;
};
