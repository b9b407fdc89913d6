import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { definitionDigests, edgeCacheVersion } from "./edge-cache-version";

const base = {
  workerContent: "export default {}",
  definitionDigests: definitionDigests({ emotions: '{"id":"emotions"}', moods: "{}" }),
  settings: { CACHE_MAX_AGE_SECONDS: "3600", EDGE_CACHE_TTL_SECONDS: "3600" },
};

describe("definitionDigests", () => {
  it("is the SHA-256 hex of each definition's UTF-8 text (the Worker's ETag)", () => {
    expect(definitionDigests({ é: "é" })).toEqual({
      é: createHash("sha256").update(Buffer.from("é", "utf8")).digest("hex"),
    });
  });

  it("lists names in sorted order", () => {
    expect(Object.keys(definitionDigests({ b: "1", a: "2" }))).toEqual(["a", "b"]);
  });
});

describe("edgeCacheVersion", () => {
  it("is 16 lowercase hex characters", () => {
    expect(edgeCacheVersion(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is the same for the same inputs in another key order", () => {
    expect(
      edgeCacheVersion({
        ...base,
        definitionDigests: Object.fromEntries(Object.entries(base.definitionDigests).reverse()),
        settings: { EDGE_CACHE_TTL_SECONDS: "3600", CACHE_MAX_AGE_SECONDS: "3600" },
      }),
    ).toBe(edgeCacheVersion(base));
  });

  it("changes when a definition changes", () => {
    expect(
      edgeCacheVersion({ ...base, definitionDigests: definitionDigests({ emotions: "{}" }) }),
    ).not.toBe(edgeCacheVersion(base));
  });

  it("changes when the Worker changes", () => {
    expect(edgeCacheVersion({ ...base, workerContent: "export default { }" })).not.toBe(
      edgeCacheVersion(base),
    );
  });

  it("changes when a setting changes", () => {
    expect(
      edgeCacheVersion({ ...base, settings: { ...base.settings, EDGE_CACHE_TTL_SECONDS: "60" } }),
    ).not.toBe(edgeCacheVersion(base));
  });
});
