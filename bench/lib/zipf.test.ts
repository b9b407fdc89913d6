import { describe, expect, it } from "vitest";
import { repeatFraction, zipfSequence } from "./zipf";

describe("Zipf workload", () => {
  it("replays the same sequence for the same seed", () => {
    expect(zipfSequence(100, 50, 1, 7)).toEqual(zipfSequence(100, 50, 1, 7));
  });

  it("stays within the prompt universe", () => {
    const draws = zipfSequence(5000, 20, 1, 3);
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBeLessThan(20);
  });

  it("draws rank 0 about twice as often as rank 1 at exponent 1", () => {
    const draws = zipfSequence(50_000, 100, 1, 11);
    const ratio =
      draws.filter((rank) => rank === 0).length / draws.filter((rank) => rank === 1).length;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it("computes the repeat fraction as 1 - distinct / total", () => {
    expect(repeatFraction([1, 1, 2, 3])).toBe(0.25);
  });
});
