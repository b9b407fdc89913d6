import { describe, expect, it } from "vitest";
import { edgeCacheKey } from "./edge-cache-key";

describe("edgeCacheKey", () => {
  it("is the canonical definition URL with the version as a query parameter", () => {
    expect(edgeCacheKey("https://api.example.com", "emotions", "3f0c9a1d2b4e5f60")).toBe(
      "https://api.example.com/definitions/emotions?edge-cache-version=3f0c9a1d2b4e5f60",
    );
  });

  it("differs between versions", () => {
    expect(edgeCacheKey("https://a.example", "x", "1")).not.toBe(
      edgeCacheKey("https://a.example", "x", "2"),
    );
  });

  it("differs between hosts", () => {
    expect(edgeCacheKey("https://a.example", "x", "1")).not.toBe(
      edgeCacheKey("https://b.example", "x", "1"),
    );
  });
});
