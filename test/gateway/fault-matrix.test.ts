import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatedAnswer, startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { Fault, ProviderSimulator } from "../../scripts/provider-simulator/index";
import { freePort } from "../support/free-port";
import { postChat, uniqueMessages } from "../support/gateway-client";
import type { ChatCompletionBody, OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { readSseEvents } from "../support/sse";

// One gateway for the whole matrix: Anthropic is the primary of tier "default", OpenAI the fallback.
let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({ env: gatewayEnv(simulator) });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

beforeEach(() => {
  simulator.requests.length = 0;
});

afterEach(() => {
  simulator.faults.clear();
});

function anthropicRequests(): number {
  return simulator.requests.filter((request) => request.provider === "anthropic").length;
}

/** Every fault that must make the gateway fall back before anything reached the client. */
const faultsBeforeFirstChunk: [string, Fault][] = [
  ["HTTP 500", { kind: "status", status: 500 }],
  ["HTTP 503", { kind: "status", status: 503 }],
  ["HTTP 529", { kind: "status", status: 529 }],
  ["HTTP 429", { kind: "status", status: 429 }],
  ["connection reset", { kind: "reset" }],
  ["no response (hang)", { kind: "hang" }],
  ["malformed JSON", { kind: "malformed-json" }],
  ["slow first byte beyond the attempt timeout", { kind: "slow-first-byte", delayMs: 2500 }],
];

describe("fault matrix, non-streaming: the gateway falls back to the next candidate", () => {
  it.each([
    ...faultsBeforeFirstChunk,
    ["connection cut mid-body", { kind: "sse-cut-after-first-chunk" }] as [string, Fault],
  ])("%s on the primary", async (_name, fault) => {
    simulator.faults.setPersistent("anthropic", fault);
    const messages = uniqueMessages("fault non-streaming");
    const response = await postChat(gateway.url, { model: "tier:default", messages });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    const body = (await response.json()) as ChatCompletionBody;
    expect(body.choices[0]?.message.content).toBe(simulatedAnswer(messages));
    expect(anthropicRequests()).toBeGreaterThanOrEqual(1);
  });
});

describe("fault matrix, streaming: the gateway falls back while nothing has reached the client", () => {
  it.each([
    ...faultsBeforeFirstChunk,
    ["SSE error event before the first chunk", { kind: "sse-error-before-first-chunk" }] as [
      string,
      Fault,
    ],
  ])("%s on the primary", async (_name, fault) => {
    simulator.faults.setPersistent("anthropic", fault);
    const messages = uniqueMessages("fault streaming");
    const response = await postChat(gateway.url, { model: "tier:default", messages, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    const { events, streamError } = await readSseEvents(response);
    expect(streamError).toBeUndefined();
    expect(events.at(-1)?.data).toBe("[DONE]");
    const text = events
      .filter((event) => event.data !== "[DONE]")
      .map((event) => JSON.parse(event.data) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content ?? "")
      .join("");
    expect(text).toBe(simulatedAnswer(messages));
  });
});

describe("fault matrix, streaming: a failure after the first chunk", () => {
  it("ends the stream with an error event and no [DONE] when the primary's stream is cut", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "sse-cut-after-first-chunk" });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("cut"),
      stream: true,
    });
    expect(response.status).toBe(200);
    const { events } = await readSseEvents(response);
    expect(events.some((event) => event.data === "[DONE]")).toBe(false);
    const last = JSON.parse(events.at(-1)?.data ?? "{}") as Partial<OpenAiErrorBody>;
    expect(last.error?.message).toEqual(expect.any(String));
    const contentChunks = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.data) as { choices?: { delta?: { content?: string } }[] })
      .filter((chunk) => (chunk.choices?.[0]?.delta?.content ?? "").length > 0);
    expect(contentChunks.length).toBeGreaterThanOrEqual(1);
  });

  it("does not call the fallback once the first chunk was sent", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "sse-cut-after-first-chunk" });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("cut, no fallback"),
      stream: true,
    });
    await readSseEvents(response);
    expect(simulator.requests.filter((request) => request.provider === "openai")).toHaveLength(0);
  });
});

describe("Retry-After", () => {
  async function gapBetweenAttempts(fault: Fault): Promise<{ gapMs: number; response: Response }> {
    simulator.faults.enqueue("anthropic", fault);
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("retry-after"),
    });
    const times = simulator.requests
      .filter((request) => request.provider === "anthropic")
      .map((request) => request.receivedAt);
    return { gapMs: (times[1] ?? Number.NaN) - (times[0] ?? Number.NaN), response };
  }

  it("waits the seconds form before retrying the same provider", async () => {
    const { gapMs, response } = await gapBetweenAttempts({
      kind: "status",
      status: 429,
      retryAfter: { seconds: 1 },
    });
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(gapMs).toBeGreaterThanOrEqual(950);
  });

  it("waits the HTTP-date form before retrying the same provider", async () => {
    const { gapMs, response } = await gapBetweenAttempts({
      kind: "status",
      status: 429,
      retryAfter: { httpDateInMs: 1500 },
    });
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(gapMs).toBeGreaterThanOrEqual(900);
  });

  it("waits the retry-after-ms form before retrying the same provider", async () => {
    const { gapMs, response } = await gapBetweenAttempts({
      kind: "status",
      status: 429,
      retryAfter: { milliseconds: 400 },
    });
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(gapMs).toBeGreaterThanOrEqual(380);
  });

  it("reports both attempts in x-llm-attempts", async () => {
    const { response } = await gapBetweenAttempts({ kind: "status", status: 503 });
    expect(response.headers.get("x-llm-attempts")).toBe("2");
  });
});

describe("when every candidate fails", () => {
  it("answers 502 naming each provider tried", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 500 });
    simulator.faults.setPersistent("openai", { kind: "status", status: 503 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("all fail"),
    });
    expect(response.status).toBe(502);
    const body = (await response.json()) as OpenAiErrorBody;
    expect(body.error.message).toMatch(/anthropic/);
    expect(body.error.message).toMatch(/openai/);
  });

  it("answers a streaming request with a 502 JSON error, not a stream", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 500 });
    simulator.faults.setPersistent("openai", { kind: "status", status: 500 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("all fail streaming"),
      stream: true,
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as OpenAiErrorBody).error.type).toEqual(expect.any(String));
  });
});

describe("connection refused and the request deadline", () => {
  // A second gateway whose Anthropic base URL points at a port nobody listens on.
  let refusedSimulator: ProviderSimulator;
  let refusingGateway: GatewayProcess;

  beforeAll(async () => {
    refusedSimulator = await startProviderSimulator();
    const closedPort = await freePort();
    refusingGateway = await startGateway({
      env: gatewayEnv(refusedSimulator, {
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${closedPort}/anthropic`,
        LLM_REQUEST_DEADLINE_MS: "600",
      }),
    });
  });

  afterAll(async () => {
    await refusingGateway?.stop();
    await refusedSimulator?.close();
  });

  afterEach(() => {
    refusedSimulator.faults.clear();
  });

  it("falls back when the primary refuses connections (non-streaming)", async () => {
    const messages = uniqueMessages("refused");
    const response = await postChat(refusingGateway.url, { model: "tier:default", messages });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    expect(((await response.json()) as ChatCompletionBody).choices[0]?.message.content).toBe(
      simulatedAnswer(messages),
    );
  });

  it("falls back when the primary refuses connections (streaming)", async () => {
    const response = await postChat(refusingGateway.url, {
      model: "tier:default",
      messages: uniqueMessages("refused streaming"),
      stream: true,
    });
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    const { events } = await readSseEvents(response);
    expect(events.at(-1)?.data).toBe("[DONE]");
  });

  it("answers 504 when the request deadline passes", async () => {
    refusedSimulator.faults.setPersistent("openai", { kind: "hang" });
    const started = Date.now();
    const response = await postChat(refusingGateway.url, {
      model: "tier:default",
      messages: uniqueMessages("deadline"),
    });
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
