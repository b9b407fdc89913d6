// The gateway's environment as Supabase secrets: names and text forms from the gateway's own
// contract (functions/llm-gateway/environment/contract.ts), written with its serializers, so the
// gateway parses back exactly the values the stack holds. Pure, so the mapping is tested without
// a Pulumi runtime.
import {
  gatewayEnvironment as variables,
  gatewayKnobKeys,
  type GatewayKnobs,
  type PriceDefinition,
  type RouteDefinition,
} from "../../functions/llm-gateway/environment/contract";
import {
  serializeValue,
  type RuleValue,
  type ValueRule,
  type VariableDefinition,
} from "../../functions/llm-gateway/environment/rules";

/** A tier's candidates, as in `platform:llm.routes` and `LLM_ROUTES`. */
export type GatewayRoute = RouteDefinition;

/** The non-secret settings the gateway reads from its environment. */
export interface GatewaySettings {
  /** `platform:llm.routes`: tier name to candidates (`LLM_ROUTES`). */
  routes: Record<string, GatewayRoute>;
  /** `platform:llm.prices`: USD per million tokens by model (`LLM_PRICES`). */
  prices: Record<string, PriceDefinition>;
  /** `platform:llm.expensiveTiers`: tiers the budget guard treats as expensive. */
  expensiveTiers: readonly string[];
  /** `platform:budget.dailyUsd` (`LLM_DAILY_CAP_USD`): a positive number of US dollars. */
  dailyCapUsd: number;
  /** `platform:cache.responseTtlSeconds` (`LLM_CACHE_TTL_S`). */
  responseCacheTtlSeconds: number;
  /** `platform:cache.embeddingTtlSeconds` (`EMBEDDING_CACHE_TTL_S`). */
  embeddingCacheTtlSeconds: number;
  /** `platform:cache.maxTemperature` (`LLM_CACHE_MAX_TEMPERATURE`). @default 0.3 */
  cacheMaxTemperature?: number;
  /** `platform:cache.semanticDistanceThreshold` (`LLM_SEMANTIC_DISTANCE_THRESHOLD`). @default 0.12 */
  semanticDistanceThreshold?: number;
  /** `platform:llm.tierLadder` (`LLM_TIER_LADDER`), cheapest first. @default the gateway's t0-t3 */
  tierLadder?: readonly string[];
  /** `platform:budget.hardCapUsd` (`LLM_HARD_CAP_USD`); unset: the daily cap is hard. */
  hardCapUsd?: number;
  /** `platform:budget.alertFraction` (`LLM_SPEND_ALERT_FRACTION`). @default 0.8 */
  spendAlertFraction?: number;
  /** `platform:environment` (`GATEWAY_ENVIRONMENT`), named in the ledger and the spend alert. */
  environmentName?: string;
  /** `platform:posthog.host` (`POSTHOG_HOST`). */
  posthogHost: string;
  /** `platform:posthog.projectKey` (`POSTHOG_KEY`, a public ingest key). */
  posthogKey: string;
  /**
   * `platform:gateway`: breaker, timeouts, retries, deadline, limits and telemetry. A knob left
   * out is not written, and the gateway uses the contract's default.
   * @default {}
   * @example { maxRetries: 3, breakerThreshold: 5, breakerHalfOpenAfterMs: 60000 }
   */
  knobs?: GatewayKnobs;
}

/**
 * `LLM_ROUTES` value: routes with every tier named in `expensiveTiers` written in the
 * `{ expensive: true, candidates }` form, so the gateway needs only one setting.
 */
export function gatewayRoutes(
  routes: Record<string, GatewayRoute>,
  expensiveTiers: readonly string[],
): Record<string, GatewayRoute> {
  const result: Record<string, GatewayRoute> = {};
  for (const tier of Object.keys(routes).sort()) {
    const route = routes[tier];
    const candidates = Array.isArray(route) ? route : route.candidates;
    const expensive = expensiveTiers.includes(tier) || (!Array.isArray(route) && !!route.expensive);
    result[tier] = expensive ? { expensive: true, candidates } : candidates;
  }
  return result;
}

/** The `platform:gateway` knobs as variables; unset knobs are left out. */
export function gatewayKnobsEnvironment(knobs: GatewayKnobs): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of gatewayKnobKeys) {
    const value = knobs[key];
    if (value !== undefined) {
      const variable: VariableDefinition = variables[key];
      environment[variable.name] = serializeValue(variable, value);
    }
  }
  return environment;
}

/** `{ NAME: text }` for a value that is set, `{}` for one left to the gateway's default. */
function optionalEntry<Rule extends ValueRule>(
  variable: VariableDefinition<Rule>,
  value: RuleValue<Rule> | undefined,
): Record<string, string> {
  return value === undefined ? {} : { [variable.name]: serializeValue(variable, value) };
}

/** The settings as environment variables (all strings, JSON where structured). */
export function gatewaySettingsEnvironment(settings: GatewaySettings): Record<string, string> {
  return {
    [variables.routes.name]: serializeValue(
      variables.routes,
      gatewayRoutes(settings.routes, settings.expensiveTiers),
    ),
    [variables.prices.name]: serializeValue(variables.prices, settings.prices),
    [variables.dailyCapUsd.name]: serializeValue(variables.dailyCapUsd, settings.dailyCapUsd),
    [variables.cacheTtlSeconds.name]: serializeValue(
      variables.cacheTtlSeconds,
      settings.responseCacheTtlSeconds,
    ),
    [variables.embeddingCacheTtlSeconds.name]: serializeValue(
      variables.embeddingCacheTtlSeconds,
      settings.embeddingCacheTtlSeconds,
    ),
    ...optionalEntry(variables.cacheMaxTemperature, settings.cacheMaxTemperature),
    ...optionalEntry(variables.semanticDistanceThreshold, settings.semanticDistanceThreshold),
    ...optionalEntry(
      variables.tierLadder,
      settings.tierLadder === undefined ? undefined : [...settings.tierLadder],
    ),
    ...optionalEntry(variables.hardCapUsd, settings.hardCapUsd),
    ...optionalEntry(variables.spendAlertFraction, settings.spendAlertFraction),
    ...optionalEntry(variables.environmentName, settings.environmentName),
    [variables.posthogHost.name]: serializeValue(variables.posthogHost, settings.posthogHost),
    [variables.posthogKey.name]: serializeValue(variables.posthogKey, settings.posthogKey),
    ...gatewayKnobsEnvironment(settings.knobs ?? {}),
  };
}
