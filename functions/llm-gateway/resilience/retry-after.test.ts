import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.ts";

const headers = (values: Record<string, string>) => new Headers(values);
const now = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfter", () => {
  it("reads retry-after-ms as milliseconds", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "1500" }), 10_000, now)).toBe(1500);
  });

  it("prefers retry-after-ms over retry-after", () => {
    expect(
      parseRetryAfter(headers({ "retry-after-ms": "250.5", "retry-after": "3" }), 10_000, now),
    ).toBe(251);
  });

  it("reads retry-after as seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "3" }), 10_000, now)).toBe(3000);
  });

  it("reads retry-after as an HTTP-date relative to now", () => {
    expect(
      parseRetryAfter(headers({ "retry-after": "Thu, 01 Jan 2026 00:00:04 GMT" }), 10_000, now),
    ).toBe(4000);
  });

  it("caps every form at the cap", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "60000" }), 5000, now)).toBe(5000);
    expect(parseRetryAfter(headers({ "retry-after": "120" }), 5000, now)).toBe(5000);
    expect(
      parseRetryAfter(headers({ "retry-after": "Thu, 01 Jan 2026 01:00:00 GMT" }), 5000, now),
    ).toBe(5000);
  });

  it("treats a date in the past as no wait", () => {
    expect(
      parseRetryAfter(headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), 5000, now),
    ).toBe(0);
  });

  it("returns undefined when absent or unparseable", () => {
    expect(parseRetryAfter(headers({}), 5000, now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), 5000, now)).toBeUndefined();
  });
});
