import { autoTierModel } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";

/** One entry of `GET /v1/models`, in OpenAI's shape. */
export interface ModelEntry {
  /** `tier:NAME` or a concrete model id. */
  id: string;
  /** Always "model". */
  object: "model";
  /** Unix seconds; the gateway has no creation date for models, so 0. */
  created: number;
  /** The provider of a concrete model, "llm-gateway" for a tier. */
  owned_by: string;
}

/**
 * `GET /v1/models`: every tier as `tier:NAME` (owned by the gateway), `tier:auto` when the ladder
 * (`LLM_TIER_LADDER`) names a configured tier, and every concrete model a
 * request may name (from the tiers and `LLM_PROVIDERS` model lists), each once, owned by its
 * provider.
 */
export function listModels(runtime: GatewayRuntime): { object: "list"; data: ModelEntry[] } {
  const data: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (id: string, owner: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    data.push({ id, object: "model", created: 0, owned_by: owner });
  };
  const { routing } = runtime.config;
  for (const name of routing.tiers.keys()) add(`tier:${name}`, "llm-gateway");
  if (runtime.config.tierLadder.some((name) => routing.tiers.has(name)))
    add(autoTierModel, "llm-gateway");
  for (const tier of routing.tiers.values())
    for (const candidate of tier.candidates) add(candidate.model, candidate.provider);
  for (const [model, provider] of routing.providerOfModel) add(model, provider);
  return { object: "list", data };
}
