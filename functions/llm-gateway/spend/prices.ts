/** USD per million tokens for one model. */
export interface ModelPrice {
  /** USD per million input (prompt) tokens. */
  inputPerMillion: number;
  /** USD per million output (completion) tokens. */
  outputPerMillion: number;
}

/** Built-in list prices (USD per million tokens); `LLM_PRICES` entries override them per model. */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4-1": { inputPerMillion: 15, outputPerMillion: 75 },
  "claude-sonnet-4-5": { inputPerMillion: 3, outputPerMillion: 15 },
  "claude-haiku-4-5": { inputPerMillion: 1, outputPerMillion: 5 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gemini-2.5-pro": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "gemini-2.5-flash": { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  "gemini-2.5-flash-lite": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "text-embedding-3-small": { inputPerMillion: 0.02, outputPerMillion: 0 },
  "text-embedding-3-large": { inputPerMillion: 0.13, outputPerMillion: 0 },
};

/** Price lookup; an unpriced model costs 0 (and is logged once by the caller). */
export type PriceTable = ReadonlyMap<string, ModelPrice>;

/** Merges `LLM_PRICES` over {@link defaultPrices}. */
export function buildPriceTable(overrides: Readonly<Record<string, ModelPrice>> = {}): PriceTable {
  return new Map(Object.entries({ ...defaultPrices, ...overrides }));
}

/**
 * Cost in USD of a call. Providers may answer with a dated model id ("gpt-4o-2024-08-06"), so a
 * missing exact entry falls back to the longest configured id that prefixes it.
 */
export function computeCost(
  prices: PriceTable,
  model: string,
  inputTokens: number,
  outputTokens: number,
): number {
  const price = findPrice(prices, model);
  if (!price) return 0;
  return (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
}

/** The price of `model`, or of the longest configured id that prefixes it. */
export function findPrice(prices: PriceTable, model: string): ModelPrice | undefined {
  const exact = prices.get(model);
  if (exact) return exact;
  let best: string | undefined;
  for (const key of prices.keys()) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : prices.get(best);
}
