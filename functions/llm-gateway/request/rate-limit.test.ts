import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import { isRateLimitExceededError } from "../errors.ts";
import { RateLimiter } from "./rate-limit.ts";

const minute = Date.parse("2026-01-01T00:00:00Z");

describe("RateLimiter", () => {
  it("lets the limit through and refuses the next request with Retry-After", async () => {
    const limiter = new RateLimiter(new MemoryStore(), 2);
    await limiter.check("caller", minute);
    await limiter.check("caller", minute + 1000);
    const error = await limiter.check("caller", minute + 15_000).catch((caught: unknown) => caught);
    expect(isRateLimitExceededError(error)).toBe(true);
    expect((error as { headers: Record<string, string> }).headers["retry-after"]).toBe("45");
  });

  it("counts callers separately", async () => {
    const limiter = new RateLimiter(new MemoryStore(), 1);
    await limiter.check("a", minute);
    await expect(limiter.check("b", minute)).resolves.toBeUndefined();
  });

  it("starts a new window each minute", async () => {
    const limiter = new RateLimiter(new MemoryStore(), 1);
    await limiter.check("a", minute);
    await expect(limiter.check("a", minute + 60_000)).resolves.toBeUndefined();
  });
});
