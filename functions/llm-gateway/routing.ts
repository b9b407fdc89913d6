import { ModelNotFoundError } from "./errors.ts";

/** Providers the gateway speaks to. */
export type ProviderName = "anthropic" | "openai";

/** One provider/model pair a request may be sent to. */
export interface Candidate {
  /** Which adapter serves it. */
  provider: ProviderName;
  /** The provider's model id. */
  model: string;
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
}

/** A request's route: the ordered candidates and the tier they come from. */
export interface Route {
  /** The tier the candidates come from. */
  tier: Tier;
  /** Candidates in the order they are tried. */
  candidates: readonly Candidate[];
}

/** Built-in tiers used when `LLM_ROUTES` is unset. */
export const defaultTiers: Readonly<
  Record<string, { expensive?: boolean; candidates: Candidate[] }>
> = {
  default: {
    candidates: [
      { provider: "anthropic", model: "claude-sonnet-4-5" },
      { provider: "openai", model: "gpt-4o" },
    ],
  },
  fast: {
    candidates: [
      { provider: "anthropic", model: "claude-haiku-4-5" },
      { provider: "openai", model: "gpt-4o-mini" },
    ],
  },
  smart: {
    expensive: true,
    candidates: [
      { provider: "anthropic", model: "claude-opus-4-1" },
      { provider: "openai", model: "gpt-4.1" },
    ],
  },
  embedding: { candidates: [{ provider: "openai", model: "text-embedding-3-small" }] },
};

/** Builds the lookup structures once, at startup. */
export function buildRoutingTable(
  tiers: Readonly<
    Record<string, { expensive?: boolean | undefined; candidates: readonly Candidate[] }>
  >,
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
  return { tiers: byName, tierOfModel };
}

const tierPrefix = "tier:";

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
    return { tier, candidates: tier.candidates };
  }
  const tier = table.tierOfModel.get(model);
  if (!tier) {
    throw new ModelNotFoundError(
      `The model "${model}" is not in any tier of LLM_ROUTES; use "tier:NAME" or a model listed there.`,
    );
  }
  const own = tier.candidates.find((candidate) => candidate.model === model) as Candidate;
  return { tier, candidates: [own, ...tier.candidates.filter((candidate) => candidate !== own)] };
}
