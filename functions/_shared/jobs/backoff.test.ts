import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./backoff.ts";

describe("retryDelayMs", () => {
  it("doubles from the base with each attempt", () => {
    const delays = [1, 2, 3].map((attempt) =>
      retryDelayMs(attempt, { baseMs: 1_000, maxMs: 60_000, random: () => 1 }),
    );

    expect(delays).toEqual([1_000, 2_000, 4_000]);
  });

  it("stops growing at the maximum", () => {
    expect(retryDelayMs(20, { baseMs: 1_000, maxMs: 60_000, random: () => 1 })).toBe(60_000);
  });

  it("takes off at most half for jitter", () => {
    expect(retryDelayMs(1, { baseMs: 1_000, maxMs: 60_000, random: () => 0 })).toBe(500);
  });
});
