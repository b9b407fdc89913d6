import { describe, expect, it } from "vitest";
import { isModelNotFoundError } from "../errors.ts";
import { buildRoutingTable, defaultTiers, resolveRoute } from "./routing.ts";

const table = buildRoutingTable({
  default: {
    candidates: [
      { provider: "anthropic", model: "claude-a" },
      { provider: "openai", model: "gpt-a" },
      { provider: "openai", model: "gpt-b" },
    ],
  },
  smart: { expensive: true, candidates: [{ provider: "openai", model: "gpt-a" }] },
});

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("resolveRoute", () => {
  it("gives a tier's candidates in order for tier:NAME", () => {
    const route = resolveRoute(table, "tier:default");
    expect(route.tier.name).toBe("default");
    expect(route.candidates.map((candidate) => candidate.model)).toEqual([
      "claude-a",
      "gpt-a",
      "gpt-b",
    ]);
  });

  it("serves a concrete model first, then falls back along its tier", () => {
    expect(resolveRoute(table, "gpt-b").candidates.map((candidate) => candidate.model)).toEqual([
      "gpt-b",
      "claude-a",
      "gpt-a",
    ]);
  });

  it("uses the first tier that lists a model", () => {
    expect(resolveRoute(table, "gpt-a").tier.name).toBe("default");
  });

  it("carries the expensive flag of the tier", () => {
    expect(resolveRoute(table, "tier:smart").tier.expensive).toBe(true);
    expect(resolveRoute(table, "tier:default").tier.expensive).toBe(false);
  });

  it("rejects an unknown tier with model_not_found naming the configured tiers", () => {
    const error = thrown(() => resolveRoute(table, "tier:cheap"));
    expect(isModelNotFoundError(error)).toBe(true);
    expect((error as Error).message).toContain("default, smart");
  });

  it("rejects a model in no tier", () => {
    expect(isModelNotFoundError(thrown(() => resolveRoute(table, "llama-3")))).toBe(true);
  });

  it("has built-in default, fast, smart (expensive) and embedding tiers", () => {
    const builtIn = buildRoutingTable(defaultTiers);
    expect([...builtIn.tiers.keys()]).toEqual(["default", "fast", "smart", "embedding"]);
    expect(
      resolveRoute(builtIn, "tier:default").candidates.map((candidate) => candidate.provider),
    ).toEqual(["gemini", "anthropic", "openai"]);
    expect(builtIn.tiers.get("smart")?.expensive).toBe(true);
  });
});
