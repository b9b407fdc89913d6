import { describe, expect, it } from "vitest";
import { isModelNotFoundError } from "../errors.ts";
import { buildRoutingTable, defaultTiers, resolveAutoRoute, resolveRoute } from "./routing.ts";

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

  it("has built-in default, fast, smart (expensive), the seeds' t0-t3 and embedding tiers", () => {
    const builtIn = buildRoutingTable(defaultTiers);
    expect([...builtIn.tiers.keys()]).toEqual([
      "default",
      "fast",
      "smart",
      "t0",
      "t1",
      "t2",
      "t3",
      "embedding",
    ]);
    expect(
      resolveRoute(builtIn, "tier:default").candidates.map((candidate) => candidate.provider),
    ).toEqual(["gemini", "anthropic", "openai"]);
    expect(builtIn.tiers.get("smart")?.expensive).toBe(true);
  });

  it("makes t3, the seeds' long-form synthesis tier, the expensive one of t0-t3", () => {
    const builtIn = buildRoutingTable(defaultTiers);
    expect(["t0", "t1", "t2", "t3"].map((name) => builtIn.tiers.get(name)?.expensive)).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });
});

describe("resolveAutoRoute", () => {
  const ladder = buildRoutingTable({
    cheap: { candidates: [{ provider: "openai", model: "small" }] },
    dear: { expensive: true, candidates: [{ provider: "anthropic", model: "large" }] },
  });

  it("lists the ladder's candidates cheapest tier first", () => {
    expect(
      resolveAutoRoute(ladder, ["cheap", "dear"]).candidates.map((candidate) => candidate.model),
    ).toEqual(["small", "large"]);
  });

  it("tags each candidate with its tier, so the expensive flag follows the candidate", () => {
    expect(
      resolveAutoRoute(ladder, ["cheap", "dear"]).candidates.map(
        (candidate) => candidate.tier?.expensive,
      ),
    ).toEqual([false, true]);
  });

  it("skips ladder tiers the table does not define", () => {
    expect(
      resolveAutoRoute(ladder, ["t0", "dear"]).candidates.map((candidate) => candidate.model),
    ).toEqual(["large"]);
  });

  it("refuses a ladder without a defined tier", () => {
    expect(isModelNotFoundError(thrown(() => resolveAutoRoute(ladder, ["t0"])))).toBe(true);
  });
});
