import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readSseEvents } from "../../test/support/sse";
import { startProviderSimulator } from "./index";
import type { ProviderSimulator } from "./index";

let simulator: ProviderSimulator;

beforeAll(async () => {
  simulator = await startProviderSimulator();
});

afterEach(() => {
  simulator.faults.clear();
});

afterAll(async () => {
  await simulator.close();
});

const messages = [{ role: "user", content: "hello" }];

function openaiChat(stream = false, signal?: AbortSignal): Promise<Response> {
  return fetch(`${simulator.openaiBaseUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages, stream }),
    signal,
  });
}

function anthropicChat(stream = false): Promise<Response> {
  return fetch(`${simulator.anthropicBaseUrl}/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": "sk-ant-test",
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    },
    body: JSON.stringify({ model: "claude-3-5-haiku-latest", max_tokens: 64, messages, stream }),
  });
}

describe("provider simulator faults", () => {
  it("answers a queued 500 with OpenAI's server_error body, then recovers", async () => {
    simulator.faults.enqueue("openai", { kind: "status", status: 500 });
    const failed = await openaiChat();
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { type: "server_error" } });
    expect((await openaiChat()).status).toBe(200);
  });

  it("answers 503 when queued", async () => {
    simulator.faults.enqueue("openai", { kind: "status", status: 503 });
    expect((await openaiChat()).status).toBe(503);
  });

  it("answers Anthropic's 529 overloaded_error", async () => {
    simulator.faults.enqueue("anthropic", { kind: "status", status: 529 });
    const response = await anthropicChat();
    expect(response.status).toBe(529);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  it("sends retry-after in seconds on a 429", async () => {
    simulator.faults.enqueue("openai", { kind: "status", status: 429, retryAfter: { seconds: 2 } });
    const response = await openaiChat();
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
  });

  it("sends retry-after as an HTTP-date on a 429", async () => {
    simulator.faults.enqueue("anthropic", {
      kind: "status",
      status: 429,
      retryAfter: { httpDateInMs: 3000 },
    });
    const response = await anthropicChat();
    const date = Date.parse(response.headers.get("retry-after") ?? "");
    expect(date - Date.now()).toBeGreaterThan(1000);
    expect(date - Date.now()).toBeLessThanOrEqual(4000);
  });

  it("sends retry-after-ms on a 429", async () => {
    simulator.faults.enqueue("openai", {
      kind: "status",
      status: 429,
      retryAfter: { milliseconds: 150 },
    });
    const response = await openaiChat();
    expect(response.headers.get("retry-after-ms")).toBe("150");
    expect(response.headers.get("retry-after")).toBeNull();
  });

  it("resets the connection", async () => {
    simulator.faults.enqueue("openai", { kind: "reset" });
    await expect(openaiChat()).rejects.toThrow(/fetch failed/);
  });

  it("hangs without answering until the client gives up", async () => {
    simulator.faults.enqueue("openai", { kind: "hang" });
    const started = Date.now();
    await expect(openaiChat(false, AbortSignal.timeout(300))).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("returns cut-off JSON with a 200 for malformed-json", async () => {
    simulator.faults.enqueue("openai", { kind: "malformed-json" });
    const response = await openaiChat();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it("sends an SSE event whose data is not JSON for malformed-json on a stream", async () => {
    simulator.faults.enqueue("openai", { kind: "malformed-json" });
    const { events } = await readSseEvents(await openaiChat(true));
    expect(events).toHaveLength(1);
    expect(() => JSON.parse(events[0]?.data ?? "") as unknown).toThrow();
  });

  it("sends OpenAI's error data event before any chunk", async () => {
    simulator.faults.enqueue("openai", { kind: "sse-error-before-first-chunk" });
    const response = await openaiChat(true);
    expect(response.status).toBe(200);
    const { events } = await readSseEvents(response);
    expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual([
      { error: expect.objectContaining({ type: "server_error" }) as unknown },
    ]);
  });

  it("sends Anthropic's error event before any content", async () => {
    simulator.faults.enqueue("anthropic", { kind: "sse-error-before-first-chunk" });
    const { events } = await readSseEvents(await anthropicChat(true));
    expect(events.map((event) => event.event)).toEqual(["error"]);
  });

  it("cuts an OpenAI stream after the first content chunk, with no [DONE]", async () => {
    simulator.faults.enqueue("openai", { kind: "sse-cut-after-first-chunk" });
    const { events, streamError } = await readSseEvents(await openaiChat(true));
    expect(streamError).toBeDefined();
    const contentChunks = events.filter((event) => event.data.includes('"content":"Simulated'));
    expect(contentChunks).toHaveLength(1);
    expect(events.some((event) => event.data === "[DONE]")).toBe(false);
  });

  it("cuts an Anthropic stream after the first content_block_delta", async () => {
    simulator.faults.enqueue("anthropic", { kind: "sse-cut-after-first-chunk" });
    const { events, streamError } = await readSseEvents(await anthropicChat(true));
    expect(streamError).toBeDefined();
    expect(events.map((event) => event.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
    ]);
  });

  it("delays the first byte for slow-first-byte", async () => {
    simulator.faults.enqueue("anthropic", { kind: "slow-first-byte", delayMs: 250 });
    const started = Date.now();
    const response = await anthropicChat();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(response.status).toBe(200);
  });

  it("applies a persistent fault to every request until cleared", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 503 });
    expect((await anthropicChat()).status).toBe(503);
    expect((await anthropicChat()).status).toBe(503);
    simulator.faults.setPersistent("anthropic", undefined);
    expect((await anthropicChat()).status).toBe(200);
  });

  it("consumes queued faults one per request before the persistent one", async () => {
    simulator.faults.setPersistent("openai", { kind: "status", status: 503 });
    simulator.faults.enqueue("openai", { kind: "status", status: 500 });
    expect((await openaiChat()).status).toBe(500);
    expect((await openaiChat()).status).toBe(503);
  });

  it("keeps faults of one provider away from the other", async () => {
    simulator.faults.enqueue("openai", { kind: "status", status: 500 });
    expect((await anthropicChat()).status).toBe(200);
    expect(simulator.faults.pending("openai")).toBe(1);
  });

  it("marks the recorded request with the fault it received", async () => {
    simulator.requests.length = 0;
    simulator.faults.enqueue("anthropic", { kind: "status", status: 529 });
    await anthropicChat();
    expect(simulator.requests[0]?.fault).toBe("status");
  });
});
