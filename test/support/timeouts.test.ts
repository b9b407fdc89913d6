import { describe, expect, it } from "vitest";
import { parseTimeFactor } from "./timeouts";

describe("parseTimeFactor", () => {
  it("is 1 when TEST_TIME_FACTOR is unset", () => {
    expect(parseTimeFactor(undefined)).toBe(1);
  });

  it("reads a fractional factor", () => {
    expect(parseTimeFactor("2.5")).toBe(2.5);
  });

  it("refuses a factor that is not positive, naming the variable", () => {
    expect(() => parseTimeFactor("0")).toThrow(
      'TEST_TIME_FACTOR must be a positive number, got "0"',
    );
  });
});
