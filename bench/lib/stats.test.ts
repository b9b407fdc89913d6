import { describe, expect, it } from "vitest";
import { percentile, quantiles, summarize } from "./stats";

describe("latency statistics", () => {
  it("takes the nearest-rank percentile", () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 1)]).toEqual([
      50, 99, 100,
    ]);
  });

  it("summarises an unsorted sample", () => {
    expect(summarize([5, 1, 3])).toMatchObject({ count: 3, p50: 3, min: 1, max: 5, mean: 3 });
  });

  it("gives NaN figures for an empty sample", () => {
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
  });

  it("downsamples to ascending quantiles ending at the maximum", () => {
    const points = quantiles([9, 1, 5, 7, 3], 5);
    expect(points).toHaveLength(5);
    expect(points.at(-1)).toBe(9);
    expect([...points].sort((left, right) => left - right)).toEqual(points);
  });
});
