// The gateway's environment as Supabase secrets: names and formats from docs/architecture.md
// ("Gateway environment"). Pure, so the mapping is tested without a Pulumi runtime.

/** A tier's candidates, as in `platform:llm.routes`. */
export type GatewayRoute =
  | Array<{ provider: string; model: string }>
  | { expensive?: boolean; candidates: Array<{ provider: string; model: string }> };

/** The non-secret settings the gateway reads from its environment. */
export interface GatewaySettings {
  /** `platform:llm.routes`: tier name to candidates. */
  routes: Record<string, GatewayRoute>;
  /** `platform:llm.prices`: USD per million tokens by model. */
  prices: Record<string, { inputPerMillion: number; outputPerMillion: number }>;
  /** `platform:llm.expensiveTiers`: tiers the budget guard treats as expensive. */
  expensiveTiers: readonly string[];
  /** `platform:budget.dailyUsd`. */
  dailyCapUsd: number;
  /** `platform:cache.responseTtlSeconds`. */
  responseCacheTtlSeconds: number;
  /** `platform:cache.embeddingTtlSeconds`. */
  embeddingCacheTtlSeconds: number;
  /** `platform:posthog.host`. */
  posthogHost: string;
  /** `platform:posthog.projectKey` (a public ingest key). */
  posthogKey: string;
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

/** The settings as environment variables (all strings, JSON where structured). */
export function gatewaySettingsEnvironment(settings: GatewaySettings): Record<string, string> {
  return {
    LLM_ROUTES: JSON.stringify(gatewayRoutes(settings.routes, settings.expensiveTiers)),
    LLM_PRICES: JSON.stringify(settings.prices),
    LLM_DAILY_CAP_USD: String(settings.dailyCapUsd),
    LLM_CACHE_TTL_S: String(settings.responseCacheTtlSeconds),
    EMBEDDING_CACHE_TTL_S: String(settings.embeddingCacheTtlSeconds),
    POSTHOG_HOST: settings.posthogHost,
    POSTHOG_KEY: settings.posthogKey,
  };
}
