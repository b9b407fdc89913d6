import { describe, expect, it } from "vitest";
import { cacheKey, chatKeyMaterial, embeddingKeyMaterial, isCacheable } from "./cache-key.ts";
import type { ChatCompletionRequest } from "../openai-types.ts";
import { canonicalJson } from "../../_shared/canonical-json.ts";
import { sha256Hex } from "../../_shared/sha256.ts";

const request: ChatCompletionRequest = {
  model: "tier:default",
  messages: [{ role: "user", content: "Hi" }],
  temperature: 0,
  max_tokens: 100,
};

const keyOf = (value: ChatCompletionRequest, scope = "caller:a") =>
  cacheKey("response", scope, chatKeyMaterial(value));

describe("cache keys", () => {
  it("are the digest of the scope and the canonical JSON text, so stored answers stay reachable", async () => {
    const large: ChatCompletionRequest = {
      ...request,
      messages: [{ role: "user", content: "é ".repeat(300_000) }],
    };
    expect(await keyOf(large)).toBe(
      `llm:cache:response:${sha256Hex(`caller:a\n${canonicalJson(chatKeyMaterial(large))}`)}`,
    );
  });

  it("do not depend on member order", async () => {
    const reordered = JSON.parse(
      '{"max_tokens":100,"temperature":0,"messages":[{"content":"Hi","role":"user"}],"model":"tier:default"}',
    ) as ChatCompletionRequest;
    expect(await keyOf(reordered)).toBe(await keyOf(request));
  });

  it.each([
    ["model", { model: "tier:fast" }],
    ["messages", { messages: [{ role: "user", content: "Hello" }] }],
    ["temperature", { temperature: 0.5 }],
    ["top_p", { top_p: 0.9 }],
    ["max_tokens", { max_tokens: 101 }],
    ["tools", { tools: [{ type: "function", function: { name: "f" } }] }],
    ["tool_choice", { tool_choice: "required" }],
    ["response_format", { response_format: { type: "json_object" } }],
    ["stop", { stop: ["END"] }],
    ["seed", { seed: 7 }],
    ["n", { n: 2 }],
  ])("change when %s changes", async (_member, change) => {
    expect(await keyOf({ ...request, ...change } as ChatCompletionRequest)).not.toBe(
      await keyOf(request),
    );
  });

  it("ignore stream, stream_options and user (delivery, not answer)", async () => {
    expect(
      await keyOf({
        ...request,
        stream: true,
        stream_options: { include_usage: true },
        user: "u1",
      }),
    ).toBe(await keyOf(request));
  });

  it("differ between scopes", async () => {
    expect(await keyOf(request, "caller:a|user:1")).not.toBe(
      await keyOf(request, "caller:a|user:2"),
    );
  });

  it("are namespaced by kind and hide the prompt", async () => {
    const key = await keyOf(request);
    expect(key).toMatch(/^llm:cache:response:[0-9a-f]{64}$/);
  });

  it("for embeddings change with dimensions", async () => {
    const base = { model: "text-embedding-3-small", input: "hello" };
    expect(await cacheKey("embedding", "s", embeddingKeyMaterial(base))).not.toBe(
      await cacheKey("embedding", "s", embeddingKeyMaterial({ ...base, dimensions: 256 })),
    );
  });
});

describe("isCacheable", () => {
  const threshold = 0.3;

  it("accepts temperature 0", () => {
    expect(isCacheable(request, threshold)).toBe(true);
  });

  it("accepts a temperature at the threshold", () => {
    expect(isCacheable({ ...request, temperature: 0.3 }, threshold)).toBe(true);
  });

  it("accepts a seed at any temperature", () => {
    expect(isCacheable({ ...request, temperature: 0.8, seed: 1 }, threshold)).toBe(true);
  });

  it("rejects a missing temperature (provider default 1)", () => {
    const { temperature: _temperature, ...rest } = request;
    expect(isCacheable(rest, threshold)).toBe(false);
  });

  it("rejects a temperature above the threshold without a seed", () => {
    expect(isCacheable({ ...request, temperature: 0.31 }, threshold)).toBe(false);
  });

  it("follows the configured threshold", () => {
    expect(isCacheable({ ...request, temperature: 0.2 }, 0)).toBe(false);
  });
});
