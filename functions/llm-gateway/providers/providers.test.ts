import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isUpstreamHttpError,
  isUpstreamNetworkError,
  isUpstreamProtocolError,
  type UpstreamHttpError,
} from "../errors.ts";
import type { ChatCompletionChunk } from "../openai-types.ts";
import { startLoopbackServer, type LoopbackServer } from "../test/loopback-server.ts";
import { AnthropicProvider } from "./anthropic.ts";
import { OpenAiProvider } from "./openai.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");

/** Each test picks the server's behaviour through the model name it sends. */
let server: LoopbackServer;
let openai: OpenAiProvider;
let anthropic: AnthropicProvider;
const context = () => ({
  signal: new AbortController().signal,
  headers: { traceparent: "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01" },
});
const request = { model: "ignored", messages: [{ role: "user" as const, content: "Hi" }] };

const limits = { maxResponseBytes: 1_000_000, maxEventBytes: 100_000 };

beforeAll(async () => {
  server = await startLoopbackServer((received, response) => {
    const body = JSON.parse(received.body || "{}") as { model?: string };
    switch (body.model) {
      case "anthropic-stream":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(fixture("anthropic-stream.txt"));
        return;
      case "anthropic-message":
        response.writeHead(200, { "content-type": "application/json" });
        response.end(fixture("anthropic-message.json"));
        return;
      case "anthropic-error-stream":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(fixture("anthropic-error-stream.txt"));
        return;
      case "openai-stream":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(fixture("openai-stream.txt"));
        return;
      case "openai-cut":
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(fixture("openai-stream.txt").split("\n\n").slice(0, 2).join("\n\n") + "\n\n");
        return;
      case "rate-limited":
        response.writeHead(429, { "content-type": "application/json", "retry-after-ms": "1500" });
        response.end(
          '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
        );
        return;
      case "overloaded":
        response.writeHead(529, { "content-type": "application/json", "retry-after": "2" });
        response.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
        return;
      case "malformed":
        response.writeHead(200, { "content-type": "application/json" });
        response.end('{"id": "chatcmpl-1", "choices": [');
        return;
      default:
        response.writeHead(404);
        response.end();
    }
  });
  openai = new OpenAiProvider({
    apiKey: "sk-test-openai",
    baseUrl: `${server.url}/v1`,
    retryAfterCapMs: 10_000,
    limits,
    requiresKey: false,
  });
  anthropic = new AnthropicProvider({
    apiKey: "sk-ant-test",
    baseUrl: server.url,
    retryAfterCapMs: 10_000,
    defaultMaxTokens: 256,
    limits,
    requiresKey: false,
  });
});

afterAll(async () => {
  await server.close();
});

async function collect(
  iterator: AsyncIterator<ChatCompletionChunk>,
): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  while (true) {
    const next = await iterator.next();
    if (next.done) return chunks;
    chunks.push(next.value);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("AnthropicProvider", () => {
  it("posts to /v1/messages with x-api-key and anthropic-version", async () => {
    await anthropic.complete(request, "anthropic-message", context());
    const sent = server.received.at(-1);
    expect(sent?.url).toBe("/v1/messages");
    expect(sent?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(sent?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent?.headers.traceparent).toBe(
      "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01",
    );
  });

  it("answers a completion in OpenAI's shape", async () => {
    const completion = await anthropic.complete(request, "anthropic-message", context());
    expect(completion.choices[0]?.message.content).toBe("Hello! How can I help you today?");
  });

  it("streams OpenAI chunks ending with a usage chunk", async () => {
    const chunks = await collect(await anthropic.stream(request, "anthropic-stream", context()));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null).join("")).toBe("Hello!");
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 15,
      total_tokens: 40,
    });
  });

  it("throws a retryable 529 error for an overloaded_error event in the stream", async () => {
    const error = await rejection(
      collect(await anthropic.stream(request, "anthropic-error-stream", context())),
    );
    expect(isUpstreamHttpError(error) && error.status).toBe(529);
    expect(isUpstreamHttpError(error) && error.retryable).toBe(true);
  });

  it("parses Retry-After seconds on an error status", async () => {
    const error = (await rejection(
      anthropic.complete(request, "overloaded", context()),
    )) as UpstreamHttpError;
    expect(error.status).toBe(529);
    expect(error.retryAfterMs).toBe(2000);
  });
});

describe("OpenAiProvider", () => {
  it("posts to /chat/completions with a bearer key and always asks for usage when streaming", async () => {
    await collect(
      await openai.stream({ ...request, user: "someone@example.com" }, "openai-stream", context()),
    );
    const sent = server.received.at(-1);
    expect(sent?.url).toBe("/v1/chat/completions");
    expect(sent?.headers.authorization).toBe("Bearer sk-test-openai");
    const body = JSON.parse(sent?.body ?? "{}") as Record<string, unknown>;
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.user).toBeUndefined();
  });

  it("streams every chunk up to [DONE]", async () => {
    const chunks = await collect(await openai.stream(request, "openai-stream", context()));
    expect(chunks).toHaveLength(5);
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(21);
  });

  it("throws a protocol error when the stream ends without [DONE]", async () => {
    const error = await rejection(collect(await openai.stream(request, "openai-cut", context())));
    expect(isUpstreamProtocolError(error)).toBe(true);
  });

  it("throws a protocol error on a malformed JSON body", async () => {
    expect(
      isUpstreamProtocolError(await rejection(openai.complete(request, "malformed", context()))),
    ).toBe(true);
  });

  it("parses retry-after-ms on a 429", async () => {
    const error = (await rejection(
      openai.complete(request, "rate-limited", context()),
    )) as UpstreamHttpError;
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(1500);
    expect(error.message).toContain("Rate limit reached");
  });

  it("throws a network error when the connection is refused", async () => {
    const closed = await startLoopbackServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const provider = new OpenAiProvider({
      apiKey: undefined,
      baseUrl: `${url}/v1`,
      retryAfterCapMs: 10,
      limits,
      requiresKey: false,
    });
    expect(
      isUpstreamNetworkError(await rejection(provider.complete(request, "x", context()))),
    ).toBe(true);
  });
});
