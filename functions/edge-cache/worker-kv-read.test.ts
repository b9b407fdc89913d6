import { describe, expect, it, vi } from "vitest";
import type { DefinitionsReadOptions, EdgeCacheEnvironment } from "./worker";
import worker from "./worker";

// The handler called directly in Node (no Cache API there), to see exactly how it calls KV. The
// HTTP behaviour itself is tested under miniflare in worker.test.ts.

interface RecordedRead {
  key: string;
  options: DefinitionsReadOptions;
}

function recordingEnvironment(overrides: Partial<EdgeCacheEnvironment> = {}) {
  const reads: RecordedRead[] = [];
  const environment: EdgeCacheEnvironment = {
    DEFINITIONS: {
      async get(key, options) {
        reads.push({ key, options });
        return new TextEncoder().encode('{"id":"x"}').buffer as ArrayBuffer;
      },
    },
    ...overrides,
  };
  return { environment, reads };
}

const context = { waitUntil: () => undefined };
const request = (path: string) => new Request(`https://api.example.com${path}`);

describe("edge-cache Worker KV reads", () => {
  it("reads the stored bytes with Cloudflare's minimum cacheTtl of 60 by default", async () => {
    const { environment, reads } = recordingEnvironment();
    await worker.fetch(request("/definitions/emotions"), environment, context);
    expect(reads).toEqual([{ key: "emotions", options: { type: "arrayBuffer", cacheTtl: 60 } }]);
  });

  it("reads with the cacheTtl of KV_CACHE_TTL_SECONDS", async () => {
    const { environment, reads } = recordingEnvironment({ KV_CACHE_TTL_SECONDS: "300" });
    await worker.fetch(request("/definitions/emotions"), environment, context);
    expect(reads.map((read) => read.options.cacheTtl)).toEqual([300]);
  });

  it("does not read KV for a name over 512 bytes", async () => {
    const { environment, reads } = recordingEnvironment();
    await worker.fetch(request(`/definitions/${"a".repeat(513)}`), environment, context);
    expect(reads).toEqual([]);
  });

  it("reads KV for a name of exactly 512 bytes", async () => {
    const { environment, reads } = recordingEnvironment();
    await worker.fetch(request(`/definitions/${"a".repeat(512)}`), environment, context);
    expect(reads).toHaveLength(1);
  });

  it("answers 500 JSON with Cache-Control: no-store when KV throws", async () => {
    const environment: EdgeCacheEnvironment = {
      DEFINITIONS: {
        get: async () => {
          throw new Error("KV GET failed: 503");
        },
      },
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await worker.fetch(request("/definitions/emotions"), environment, context);
      expect({
        status: response.status,
        contentType: response.headers.get("content-type"),
        cacheControl: response.headers.get("cache-control"),
        body: await response.json(),
      }).toEqual({
        status: 500,
        contentType: "application/json",
        cacheControl: "no-store",
        body: {
          error: {
            message: "The definition could not be read.",
            type: "internal_error",
            code: 500,
          },
        },
      });
    } finally {
      logged.mockRestore();
    }
  });
});
