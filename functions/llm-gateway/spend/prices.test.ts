import { describe, expect, it } from "vitest";
import { estimateChatCost, estimateEmbeddingCost, estimateInputTokens } from "./cost-estimate.ts";
import { buildPriceTable, computeCost, defaultPrices } from "./prices.ts";

describe("computeCost", () => {
  const prices = buildPriceTable({ "model-x": { inputPerMillion: 3, outputPerMillion: 15 } });

  it("prices input and output tokens per million", () => {
    expect(computeCost(prices, "model-x", 1_000_000, 0)).toBe(3);
    expect(computeCost(prices, "model-x", 2000, 1000)).toBeCloseTo(0.006 + 0.015, 12);
  });

  it("costs an unknown model nothing", () => {
    expect(computeCost(prices, "unknown", 1000, 1000)).toBe(0);
  });

  it("prices a dated model id by its longest configured prefix", () => {
    expect(computeCost(prices, "gpt-4o-mini-2024-07-18", 1_000_000, 0)).toBe(
      defaultPrices["gpt-4o-mini"]?.inputPerMillion,
    );
  });

  it("lets LLM_PRICES override a default", () => {
    const overridden = buildPriceTable({ "gpt-4o": { inputPerMillion: 1, outputPerMillion: 1 } });
    expect(computeCost(overridden, "gpt-4o", 1_000_000, 1_000_000)).toBe(2);
  });
});

describe("estimates", () => {
  const prices = buildPriceTable({
    m: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 },
  });

  it("estimates input tokens from message characters, rounding up", () => {
    expect(
      estimateInputTokens({ model: "m", messages: [{ role: "user", content: "abcdefg" }] }),
    ).toBe(4);
  });

  it("reserves the full output allowance times n", () => {
    const request = {
      model: "m",
      messages: [{ role: "user" as const, content: "abc" }],
      max_tokens: 10,
      n: 2,
    };
    // "user" + "abc" = 7 characters -> 3 tokens at $1 each, plus 20 output tokens at $2 each.
    expect(estimateChatCost(prices, "m", request, 4096)).toBe(3 + 40);
  });

  it("uses the default output allowance when the request sets none", () => {
    expect(estimateChatCost(prices, "m", { model: "m", messages: [] }, 5)).toBe(10);
  });

  it("estimates embeddings from input only", () => {
    expect(estimateEmbeddingCost(prices, "m", { model: "m", input: ["abcdef", "abc"] })).toBe(3);
  });
});
