import * as z from "zod";
import {
  gatewayEnvironment as variables,
  type GatewayKnobKey,
} from "../functions/llm-gateway/environment/contract";
import {
  variableSchema,
  type RuleValue,
  type ValueRule,
  type VariableDefinition,
} from "../functions/llm-gateway/environment/rules";

type NoUndefined<Value> = Value extends undefined ? never : Value;

/**
 * The stack-config sections that become the LLM gateway's environment (`platform:llm`,
 * `platform:budget`, the gateway keys of `platform:cache`, and `platform:gateway`), built from the
 * gateway's own contract (functions/llm-gateway/environment/contract.ts): the shapes, limits,
 * defaults and messages are the ones the gateway parses its environment with, so a value this
 * schema accepts is one the gateway accepts. Messages complete "`platform:<key>` ...".
 */

/** The schema of the stack value behind a gateway variable with a default: absent takes it. */
function withDefault<Rule extends ValueRule>(
  variable: VariableDefinition<Rule> & { readonly default: RuleValue<Rule> },
) {
  return variableSchema(z, variable).default(variable.default as NoUndefined<RuleValue<Rule>>);
}

/** The schema of the stack value behind a gateway variable without a default: absent is off. */
function optional<Rule extends ValueRule>(variable: VariableDefinition<Rule>) {
  return variableSchema(z, variable).optional();
}

/** `platform:llm`: the routing table and the price table. */
export const llmSchema = z
  .strictObject(
    {
      routes: variableSchema(z, variables.routes),
      prices: variableSchema(z, variables.prices),
      expensiveTiers: z
        .array(z.string({ error: "must be a tier name" }), {
          error: "must be a list of tier names",
        })
        .default([]),
      tierLadder: z
        .array(z.string({ error: "must be a tier name" }), {
          error: "must be a list of tier names, cheapest first",
        })
        .optional(),
    },
    { error: "must be a map: { routes, prices, expensiveTiers, tierLadder }" },
  )
  .superRefine((llm, context) => {
    llm.tierLadder?.forEach((tier, index) => {
      if (!(tier in llm.routes)) {
        context.addIssue({
          code: "custom",
          path: ["tierLadder", index],
          message: "names a tier that platform:llm.routes does not define",
        });
      }
    });
    llm.expensiveTiers.forEach((tier, index) => {
      if (!(tier in llm.routes)) {
        context.addIssue({
          code: "custom",
          path: ["expensiveTiers", index],
          message: "names a tier that platform:llm.routes does not define",
        });
      }
    });
  });

/**
 * `platform:budget`: the daily spend cap (`LLM_DAILY_CAP_USD`, past which expensive tiers are
 * refused), the optional hard cap of the other tiers (`LLM_HARD_CAP_USD`) and the share of the
 * cap that sends the Slack alert (`LLM_SPEND_ALERT_FRACTION`).
 */
export const budgetSchema = z
  .strictObject(
    {
      dailyUsd: variableSchema(z, variables.dailyCapUsd),
      hardCapUsd: optional(variables.hardCapUsd),
      alertFraction: withDefault(variables.spendAlertFraction),
    },
    { error: "must be a map: { dailyUsd, hardCapUsd, alertFraction }" },
  )
  .superRefine((budget, context) => {
    if (budget.hardCapUsd !== undefined && budget.hardCapUsd < budget.dailyUsd) {
      context.addIssue({
        code: "custom",
        path: ["hardCapUsd"],
        message: "must be at least platform:budget.dailyUsd",
      });
    }
  });

/**
 * The gateway's keys of `platform:cache` (`LLM_CACHE_TTL_S`, `EMBEDDING_CACHE_TTL_S`,
 * `LLM_CACHE_MAX_TEMPERATURE`, `LLM_SEMANTIC_DISTANCE_THRESHOLD`, `LLM_CACHE_VERSION`), spread into
 * the section's schema next to the edge cache's own keys.
 */
export const gatewayCacheKeys = {
  responseTtlSeconds: withDefault(variables.cacheTtlSeconds),
  embeddingTtlSeconds: withDefault(variables.embeddingCacheTtlSeconds),
  maxTemperature: withDefault(variables.cacheMaxTemperature),
  semanticDistanceThreshold: withDefault(variables.semanticDistanceThreshold),
  /** Absent: the deployed artifact's hash, so cached answers live until the app deploys. */
  cacheVersion: optional(variables.cacheVersion),
};

/** The default of {@link gatewayCacheKeys}, for the section's default when it is absent. */
export const gatewayCacheDefaults = {
  responseTtlSeconds: variables.cacheTtlSeconds.default,
  embeddingTtlSeconds: variables.embeddingCacheTtlSeconds.default,
  maxTemperature: variables.cacheMaxTemperature.default,
  semanticDistanceThreshold: variables.semanticDistanceThreshold.default,
};

const knobs = {
  attemptTimeoutMs: withDefault(variables.attemptTimeoutMs),
  requestDeadlineMs: withDefault(variables.requestDeadlineMs),
  maxRetries: withDefault(variables.maxRetries),
  retryBaseMs: withDefault(variables.retryBaseMs),
  retryAfterCapMs: withDefault(variables.retryAfterCapMs),
  breakerThreshold: withDefault(variables.breakerThreshold),
  breakerHalfOpenAfterMs: withDefault(variables.breakerHalfOpenAfterMs),
  storeTimeoutMs: withDefault(variables.storeTimeoutMs),
  defaultMaxTokens: withDefault(variables.defaultMaxTokens),
  maxBodyBytes: withDefault(variables.maxBodyBytes),
  memoryStoreMaxBytes: withDefault(variables.memoryStoreMaxBytes),
  bodyTimeoutMs: optional(variables.bodyTimeoutMs),
  maxResponseBytes: optional(variables.maxResponseBytes),
  maxEventBytes: optional(variables.maxEventBytes),
  corsOrigins: optional(variables.corsOrigins),
  rateLimitPerMinute: optional(variables.rateLimitPerMinute),
  logLevel: withDefault(variables.logLevel),
  anthropicBaseUrl: withDefault(variables.anthropicBaseUrl),
  openaiBaseUrl: withDefault(variables.openaiBaseUrl),
  geminiBaseUrl: optional(variables.geminiBaseUrl),
  otlpEndpoint: optional(variables.otlpEndpoint),
  serviceName: withDefault(variables.serviceName),
  metricsFlushMs: optional(variables.metricsFlushMs),
} satisfies Record<GatewayKnobKey, z.ZodType>;

/**
 * `platform:gateway`: the resilience, limit and telemetry knobs, each `platform:gateway.<key>` for
 * the contract's variable `<key>`. Absent keys take the contract's default (the seeds' figures
 * where they give one); absent optional ones (rate limit, OTLP endpoint, CORS origins) leave the
 * feature off, and the bounds and Gemini URL added later are left out when absent, so the gateway
 * applies the contract's default itself.
 * The whole section may be absent.
 */
export const gatewaySchema = z
  .strictObject(knobs, {
    error: `must be a map: { ${Object.keys(knobs).join(", ")} }`,
  })
  .prefault({});

/** The validated `platform:gateway` section. */
export type GatewayKnobsConfig = z.infer<typeof gatewaySchema>;
/** A route of `platform:llm.routes`, as the gateway's `LLM_ROUTES` takes it. */
export type LlmRoute = z.infer<typeof llmSchema>["routes"][string];
