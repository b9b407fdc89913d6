// End to end through the handler: an OpenAI-format stream passes through the gateway as bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import { createGatewayHandler } from "../app.ts";
import { loadGatewayConfig } from "../config.ts";
import { createRuntime } from "../runtime.ts";
import { post } from "../test/gateway-harness.ts";
import { startLoopbackServer, type LoopbackServer } from "../test/loopback-server.ts";

/** Frames as OpenAI sends them, members the gateway does not know included. */
const frame = (delta: string, finish = "null"): string =>
  `data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null,"obfuscation":"Zx7 \\u00e9"}\n\n`;
const answerFrames = [
  frame('{"role":"assistant","content":"","refusal":null}'),
  frame('{"content":"Bonjour, \\"monde\\" 😀"}'),
  frame('{"content":"\\n"}'),
  frame("{}", '"stop"'),
];
const usageFrame =
  'data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}\n\n';

let upstream: LoopbackServer;
let handle: (request: Request) => Promise<Response>;
let quickHandle: (request: Request) => Promise<Response>;

async function gatewayWith(environment: Record<string, string>) {
  const config = await loadGatewayConfig({
    OPENAI_API_KEY: "sk-proj-secretsecretsecret",
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    LLM_MAX_RETRIES: "0",
    ...environment,
  });
  return createGatewayHandler(
    await createRuntime(config, { store: new MemoryStore(), writeLog: () => undefined }),
  );
}

beforeAll(async () => {
  upstream = await startLoopbackServer((received, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    // Each frame its own write, as a model's tokens come.
    const frames = received.body.includes("stall")
      ? answerFrames.slice(0, 2)
      : [...answerFrames, usageFrame, "data: [DONE]\n\n"];
    let index = 0;
    const next = (): void => {
      if (index === frames.length) {
        if (!received.body.includes("stall")) response.end();
        return;
      }
      response.write(frames[index++] as string);
      setTimeout(next, 2);
    };
    next();
  });
  handle = await gatewayWith({});
  quickHandle = await gatewayWith({ LLM_ATTEMPT_TIMEOUT_MS: "300" });
});

afterAll(async () => {
  await upstream.close();
});

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content }],
  stream: true,
  ...extra,
});

describe("an OpenAI stream through the gateway", () => {
  it("reaches the client byte for byte, members the gateway does not know included", async () => {
    const response = await handle(post("/v1/chat/completions", chat("bytes", { temperature: 1 })));
    expect(await response.text()).toBe(`${answerFrames.join("")}data: [DONE]\n\n`);
  });

  it("carries the usage chunk, as it came, to a client that asked for it", async () => {
    const response = await handle(
      post(
        "/v1/chat/completions",
        chat("usage", { temperature: 1, stream_options: { include_usage: true } }),
      ),
    );
    expect(await response.text()).toBe(`${answerFrames.join("")}${usageFrame}data: [DONE]\n\n`);
  });

  it("ends with an error event and no [DONE] when it stalls after its first chunk", async () => {
    const response = await quickHandle(
      post("/v1/chat/completions", chat("stall", { temperature: 1 })),
    );
    const text = await response.text();
    expect([
      text.startsWith(answerFrames.slice(0, 2).join("")),
      text.includes("data: [DONE]"),
      text.includes('"code":"upstream_stream_error"'),
    ]).toEqual([true, false, true]);
  });

  it("is stored when complete and replayed from the cache", async () => {
    const first = await handle(post("/v1/chat/completions", chat("cached", { temperature: 0 })));
    await first.text();
    const second = await handle(
      post("/v1/chat/completions", chat("cached", { temperature: 0, stream: false })),
    );
    const body = (await second.json()) as {
      choices: { message: { content: string } }[];
      usage: unknown;
    };
    expect([
      second.headers.get("x-llm-cache"),
      body.choices[0]?.message.content,
      body.usage,
    ]).toEqual([
      "hit",
      'Bonjour, "monde" 😀\n',
      { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    ]);
  });
});
