import { describe, expect, it } from "vitest";
import { compareResults } from "./compare";
import type { TargetCheck } from "./results";

const target = (id: string, value: number | null): TargetCheck => ({
  id,
  description: id,
  target: "<= 1 ms",
  value,
  unit: "ms",
  met: value === null ? null : value <= 1,
});

describe("comparison with the previous results file", () => {
  it("is empty without a previous file", () => {
    expect(compareResults(undefined, [target("overhead-p50", 0.5)])).toEqual([]);
  });

  it("pairs figures by id and gives the change", () => {
    const [comparison] = compareResults({ targets: [target("overhead-p50", 0.75)] }, [
      target("overhead-p50", 0.5),
    ]);
    expect(comparison).toMatchObject({ previous: 0.75, current: 0.5, change: -0.25 });
  });

  it("gives no change for a figure the previous run lacked", () => {
    const [comparison] = compareResults({ targets: [] }, [target("new-figure", 2)]);
    expect(comparison).toMatchObject({ previous: null, change: null });
  });
});
