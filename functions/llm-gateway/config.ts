import type * as z from "zod";
import { buildPriceTable, type PriceTable } from "./prices.ts";
import { buildRoutingTable, defaultTiers, type RoutingTable } from "./routing.ts";

/** Everything the gateway reads from its environment, parsed once at startup. */
export interface GatewayConfig {
  /** Anthropic API key (`ANTHROPIC_API_KEY`). */
  anthropicApiKey: string | undefined;
  /** `ANTHROPIC_BASE_URL`, without `/v1`. @default "https://api.anthropic.com" */
  anthropicBaseUrl: string;
  /** OpenAI API key (`OPENAI_API_KEY`). */
  openaiApiKey: string | undefined;
  /** `OPENAI_BASE_URL`, including `/v1`. @default "https://api.openai.com/v1" */
  openaiBaseUrl: string;
  /** Tiers from `LLM_ROUTES` or the built-in ones. */
  routing: RoutingTable;
  /** `LLM_PRICES` merged over the built-in prices. */
  prices: PriceTable;
  /** `LLM_DAILY_CAP_USD`; no cap when undefined. */
  dailyCapUsd: number | undefined;
  /** `LLM_CACHE_TTL_S`. @default 3600 */
  cacheTtlSeconds: number;
  /** `EMBEDDING_CACHE_TTL_S`. @default 604800 */
  embeddingCacheTtlSeconds: number;
  /** `LLM_ATTEMPT_TIMEOUT_MS`: bound on one attempt (to the first chunk when streaming). @default 30000 */
  attemptTimeoutMs: number;
  /** `LLM_REQUEST_DEADLINE_MS`: bound on the whole request before it is answered. @default 60000 */
  requestDeadlineMs: number;
  /** `LLM_MAX_RETRIES`: extra attempts per candidate. @default 2 */
  maxRetries: number;
  /** `LLM_RETRY_BASE_MS`: first backoff step, doubled per retry, with full jitter. @default 200 */
  retryBaseMs: number;
  /** `LLM_RETRY_AFTER_CAP_MS`: longest wait honoured from Retry-After. @default 10000 */
  retryAfterCapMs: number;
  /** `LLM_BREAKER_THRESHOLD`: consecutive failures that open a provider's breaker. @default 5 */
  breakerThreshold: number;
  /** `LLM_BREAKER_HALF_OPEN_AFTER_MS`: open time before one probe is let through. @default 30000 */
  breakerHalfOpenAfterMs: number;
  /** `LLM_STORE_TIMEOUT_MS`: bound on each remote store call. @default 250 */
  storeTimeoutMs: number;
  /** `LLM_DEFAULT_MAX_TOKENS`: Anthropic's required `max_tokens` and the budget estimate's output when the request sets none. @default 4096 */
  defaultMaxTokens: number;
  /** `GATEWAY_MAX_BODY_BYTES`. @default 1048576 */
  maxBodyBytes: number;
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
  /** `POSTHOG_KEY`; analytics are off when unset. */
  posthogKey: string | undefined;
  /** `POSTHOG_HOST`. @default "https://us.i.posthog.com" */
  posthogHost: string;
  /** `ANALYTICS_SALT` for the hashed `distinct_id`; a random per-process salt when unset. */
  analyticsSalt: string | undefined;
  /** `LOG_LEVEL`. @default "info" */
  logLevel: "debug" | "info" | "warn" | "error";
}

/** A bad environment variable; the message names it and what is wrong. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Environment = Readonly<Record<string, string | undefined>>;

function text(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function number(
  environment: Environment,
  name: string,
  fallback: number,
  rule: { integer?: boolean; minimum?: number } = { integer: true, minimum: 0 },
): number {
  const raw = text(environment, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const minimum = rule.minimum ?? 0;
  if (
    !Number.isFinite(value) ||
    value < minimum ||
    (rule.integer !== false && !Number.isInteger(value))
  ) {
    throw new ConfigError(
      `${name} must be ${rule.integer === false ? "a number" : "an integer"} >= ${minimum}, got "${raw}".`,
    );
  }
  return value;
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

function baseUrl(environment: Environment, name: string, fallback: string): string {
  const raw = text(environment, name) ?? fallback;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got "${raw}".`);
  }
  return raw.replace(/\/+$/, "");
}

/**
 * Parses and validates the environment. Asynchronous because zod (~2.5 ms of module evaluation
 * under Deno, on every cold start) is imported only when `LLM_ROUTES` or `LLM_PRICES` is set.
 * @throws ConfigError naming the variable at fault.
 */
export async function loadGatewayConfig(environment: Environment): Promise<GatewayConfig> {
  const schemas =
    text(environment, "LLM_ROUTES") !== undefined || text(environment, "LLM_PRICES") !== undefined
      ? await import("./config-schemas.ts")
      : undefined;
  const routes = json(environment, "LLM_ROUTES", schemas?.routesSchema);
  const tiers = routes
    ? Object.fromEntries(
        Object.entries(routes).map(([name, tier]) => [
          name,
          Array.isArray(tier) ? { candidates: tier } : tier,
        ]),
      )
    : defaultTiers;
  const dailyCap = text(environment, "LLM_DAILY_CAP_USD");
  const rateLimit = text(environment, "GATEWAY_RATE_LIMIT_PER_MINUTE");
  const logLevel = text(environment, "LOG_LEVEL") ?? "info";
  if (logLevel !== "debug" && logLevel !== "info" && logLevel !== "warn" && logLevel !== "error") {
    throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error, got "${logLevel}".`);
  }
  return {
    anthropicApiKey: text(environment, "ANTHROPIC_API_KEY"),
    anthropicBaseUrl: baseUrl(environment, "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    openaiApiKey: text(environment, "OPENAI_API_KEY"),
    openaiBaseUrl: baseUrl(environment, "OPENAI_BASE_URL", "https://api.openai.com/v1"),
    routing: buildRoutingTable(tiers),
    prices: buildPriceTable(json(environment, "LLM_PRICES", schemas?.pricesSchema)),
    dailyCapUsd:
      dailyCap === undefined
        ? undefined
        : number(environment, "LLM_DAILY_CAP_USD", 0, { integer: false, minimum: 0 }),
    cacheTtlSeconds: number(environment, "LLM_CACHE_TTL_S", 3600),
    embeddingCacheTtlSeconds: number(environment, "EMBEDDING_CACHE_TTL_S", 604_800),
    attemptTimeoutMs: number(environment, "LLM_ATTEMPT_TIMEOUT_MS", 30_000, { minimum: 1 }),
    requestDeadlineMs: number(environment, "LLM_REQUEST_DEADLINE_MS", 60_000, { minimum: 1 }),
    maxRetries: number(environment, "LLM_MAX_RETRIES", 2),
    retryBaseMs: number(environment, "LLM_RETRY_BASE_MS", 200),
    retryAfterCapMs: number(environment, "LLM_RETRY_AFTER_CAP_MS", 10_000),
    breakerThreshold: number(environment, "LLM_BREAKER_THRESHOLD", 5, { minimum: 1 }),
    breakerHalfOpenAfterMs: number(environment, "LLM_BREAKER_HALF_OPEN_AFTER_MS", 30_000),
    storeTimeoutMs: number(environment, "LLM_STORE_TIMEOUT_MS", 250, { minimum: 1 }),
    defaultMaxTokens: number(environment, "LLM_DEFAULT_MAX_TOKENS", 4096, { minimum: 1 }),
    maxBodyBytes: number(environment, "GATEWAY_MAX_BODY_BYTES", 1_048_576, { minimum: 1 }),
    apiKeys: (text(environment, "GATEWAY_API_KEYS") ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key !== ""),
    rateLimitPerMinute:
      rateLimit === undefined
        ? undefined
        : number(environment, "GATEWAY_RATE_LIMIT_PER_MINUTE", 0, { minimum: 1 }),
    upstashUrl: text(environment, "UPSTASH_REDIS_REST_URL"),
    upstashToken: text(environment, "UPSTASH_REDIS_REST_TOKEN"),
    redisUrl: text(environment, "REDIS_URL"),
    otlpEndpoint: text(environment, "OTEL_EXPORTER_OTLP_ENDPOINT")?.replace(/\/+$/, ""),
    serviceName: text(environment, "OTEL_SERVICE_NAME") ?? "llm-gateway",
    posthogKey: text(environment, "POSTHOG_KEY"),
    posthogHost: baseUrl(environment, "POSTHOG_HOST", "https://us.i.posthog.com"),
    analyticsSalt: text(environment, "ANALYTICS_SALT"),
    logLevel,
  };
}

/** Values that must never appear in logs or analytics, for the redactor. */
export function secretValues(config: GatewayConfig): string[] {
  return [
    config.anthropicApiKey,
    config.openaiApiKey,
    config.upstashToken,
    config.redisUrl,
    ...config.apiKeys,
  ].filter((value): value is string => value !== undefined);
}
