import { ModelNotFoundError } from "../errors.ts";

/** A provider's name: `anthropic`, `openai`, `gemini` or one of `LLM_PROVIDERS`. */
export type ProviderName = string;

/** One provider/model pair a request may be sent to. */
export interface Candidate {
  /** Which adapter serves it. */
  provider: ProviderName;
  /** The provider's model id. */
  model: string;
  /**
   * The tier this candidate comes from when a route spans several (`tier:auto`); the route's own
   * tier otherwise.
   */
  tier?: Tier;
}

/** An ordered list of candidates under a name. */
export interface Tier {
  /** Tier name, as in `tier:NAME`. */
  name: string;
  /** Expensive tiers are skipped once the daily cap is reached, even for free models. @default false */
  expensive: boolean;
  /** Tried in order. */
  candidates: readonly Candidate[];
}

/** The routing table: tiers by name, with an index from concrete model to its first tier. */
export interface RoutingTable {
  /** Tiers by name. */
  tiers: ReadonlyMap<string, Tier>;
  /** First tier (in declaration order) listing each model. */
  tierOfModel: ReadonlyMap<string, Tier>;
  /** Models a provider's definition lists (`LLM_PROVIDERS.<name>.models`) and no tier does. */
  providerOfModel: ReadonlyMap<string, ProviderName>;
}

/** A request's route: the ordered candidates and the tier they come from. */
export interface Route {
  /** The tier the candidates come from. */
  tier: Tier;
  /** Candidates in the order they are tried. */
  candidates: readonly Candidate[];
  /** The request named a concrete model (not `tier:NAME`): a 404 for it is the client's error. */
  concrete: boolean;
}

/** Built-in tiers used when `LLM_ROUTES` is unset. */
export const defaultTiers: Readonly<
  Record<string, { expensive?: boolean; candidates: Candidate[] }>
> = {
  // Gemini first, as the seeds make it the default provider; candidates of a provider without a
  // key are skipped, so a gateway with only an Anthropic or OpenAI key still serves every tier.
  default: {
    candidates: [
      { provider: "gemini", model: "gemini-2.5-flash" },
      { provider: "anthropic", model: "claude-sonnet-4-5" },
      { provider: "openai", model: "gpt-4o" },
    ],
  },
  fast: {
    candidates: [
      { provider: "gemini", model: "gemini-2.5-flash-lite" },
      { provider: "anthropic", model: "claude-haiku-4-5" },
      { provider: "openai", model: "gpt-4o-mini" },
    ],
  },
  smart: {
    expensive: true,
    candidates: [
      { provider: "gemini", model: "gemini-2.5-pro" },
      { provider: "anthropic", model: "claude-opus-4-1" },
      { provider: "openai", model: "gpt-4.1" },
    ],
  },
  // The seeds' tiers, cheapest first (LLM_TIER_LADDER, `tier:auto`): T0 router and small
  // classifiers, T1 emotion and CBT identification, T2 theme extraction and dream analysis, T3
  // the CBT reframer and long-form synthesis (expensive: refused once the daily cap is reached).
  t0: { candidates: [{ provider: "gemini", model: "gemini-2.5-flash-lite" }] },
  t1: { candidates: [{ provider: "anthropic", model: "claude-haiku-4-5" }] },
  t2: { candidates: [{ provider: "gemini", model: "gemini-2.5-pro" }] },
  t3: {
    expensive: true,
    candidates: [
      { provider: "anthropic", model: "claude-sonnet-4-5" },
      { provider: "openai", model: "gpt-4o" },
    ],
  },
  // One model only: a fallback to another embedding model would answer vectors of another space
  // (and size), which no index built on the first can use.
  embedding: { candidates: [{ provider: "openai", model: "text-embedding-3-small" }] },
};

/** Builds the lookup structures once, at startup. */
export function buildRoutingTable(
  tiers: Readonly<
    Record<string, { expensive?: boolean | undefined; candidates: readonly Candidate[] }>
  >,
  providerModels: ReadonlyMap<ProviderName, readonly string[]> = new Map(),
): RoutingTable {
  const byName = new Map<string, Tier>();
  const tierOfModel = new Map<string, Tier>();
  for (const [name, definition] of Object.entries(tiers)) {
    const tier: Tier = {
      name,
      expensive: definition.expensive ?? false,
      candidates: definition.candidates,
    };
    byName.set(name, tier);
    for (const candidate of tier.candidates) {
      if (!tierOfModel.has(candidate.model)) tierOfModel.set(candidate.model, tier);
    }
  }
  const providerOfModel = new Map<string, ProviderName>();
  for (const [provider, models] of providerModels) {
    for (const model of models) {
      if (!tierOfModel.has(model) && !providerOfModel.has(model))
        providerOfModel.set(model, provider);
    }
  }
  return { tiers: byName, tierOfModel, providerOfModel };
}

const tierPrefix = "tier:";

/** The model name of the escalating route over {@link RoutingTable} tiers of `LLM_TIER_LADDER`. */
export const autoTierModel = "tier:auto";

/**
 * `tier:auto`: the candidates of every ladder tier in order, each tagged with its tier, so the
 * candidate loop starts at the cheapest tier and escalates one tier at a time on failure (a tier
 * whose providers are not configured is dropped later, making the next one the cheapest viable).
 * @throws ModelNotFoundError when the ladder names no configured tier.
 */
export function resolveAutoRoute(table: RoutingTable, ladder: readonly string[]): Route {
  const tiers = ladder.flatMap((name) => {
    const tier = table.tiers.get(name);
    return tier ? [tier] : [];
  });
  const first = tiers[0];
  if (!first) {
    throw new ModelNotFoundError(
      `"${autoTierModel}" needs the tiers of LLM_TIER_LADDER (${ladder.join(", ")}) in LLM_ROUTES; configured tiers: ${[...table.tiers.keys()].join(", ")}.`,
    );
  }
  return {
    tier: { name: "auto", expensive: false, candidates: [] },
    candidates: tiers.flatMap((tier) =>
      tier.candidates.map((candidate) => ({ ...candidate, tier })),
    ),
    concrete: false,
  };
}

/**
 * Resolves `model` to ordered candidates: `tier:NAME` gives the tier's candidates; a concrete model
 * goes to its own provider first, then falls back along the first tier that lists it.
 * @throws ModelNotFoundError for an unknown tier or model.
 */
export function resolveRoute(table: RoutingTable, model: string): Route {
  if (model.startsWith(tierPrefix)) {
    const name = model.slice(tierPrefix.length);
    const tier = table.tiers.get(name);
    if (!tier) {
      throw new ModelNotFoundError(
        `Unknown tier "${name}" in "model"; configured tiers: ${[...table.tiers.keys()].join(", ")}.`,
      );
    }
    return { tier, candidates: tier.candidates, concrete: false };
  }
  const tier = table.tierOfModel.get(model);
  const provider = table.providerOfModel.get(model);
  if (!tier && provider !== undefined) {
    const candidate: Candidate = { provider, model };
    return {
      tier: { name: `provider:${provider}`, expensive: false, candidates: [candidate] },
      candidates: [candidate],
      concrete: true,
    };
  }
  if (!tier) {
    throw new ModelNotFoundError(
      `The model "${model}" is not in any tier of LLM_ROUTES; use "tier:NAME" or a model listed there.`,
    );
  }
  const own = tier.candidates.find((candidate) => candidate.model === model) as Candidate;
  return {
    tier,
    candidates: [own, ...tier.candidates.filter((candidate) => candidate !== own)],
    concrete: true,
  };
}
