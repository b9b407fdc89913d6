import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { estimateChatCost } from "./spend/cost-estimate.ts";
import { parseChatRequest } from "./request/request-schema.ts";
import { post, startGateway, type GatewayHarness } from "./test/gateway-harness.ts";

let gateway: GatewayHarness;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_API_KEYS: "gw-key-one,gw-key-two" });
});
afterAll(async () => {
  await gateway.close();
});
afterEach(() => {
  gateway.queue.anthropic.length = 0;
  gateway.queue.openai.length = 0;
});

const auth = { authorization: "Bearer gw-key-one" };
const chat = (extra: Record<string, unknown> = {}) => ({
  model: "tier:default",
  messages: [{ role: "user", content: "Say hi" }],
  ...extra,
});

async function sse(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => frame.slice(6));
}

describe("routes", () => {
  it("serves /health with breaker states and the store", async () => {
    const response = await gateway.handle(new Request("http://gateway.test/health"));
    expect(await response.json()).toEqual({
      status: "ok",
      providers: {
        anthropic: { breaker: "closed" },
        openai: { breaker: "closed" },
        gemini: { breaker: "closed" },
      },
      store: { kind: "memory", reachable: true },
    });
  });

  it("serves the same routes under /llm-gateway", async () => {
    const response = await gateway.handle(new Request("http://gateway.test/llm-gateway/health"));
    expect(response.status).toBe(200);
  });

  it("answers 404 in OpenAI's error shape for an unknown route", async () => {
    const response = await gateway.handle(post("/v1/completions", chat(), auth));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "not_found" },
    });
  });

  it("answers 405 with Allow for a wrong method", async () => {
    const response = await gateway.handle(
      new Request("http://gateway.test/v1/chat/completions", { headers: auth }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("request checks", () => {
  it("answers 401 without a key", async () => {
    const response = await gateway.handle(post("/v1/chat/completions", chat()));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("answers 401 with a wrong key", async () => {
    expect(
      (await gateway.handle(post("/v1/chat/completions", chat(), { authorization: "Bearer nope" })))
        .status,
    ).toBe(401);
  });

  it("accepts the key in x-api-key", async () => {
    expect(
      (await gateway.handle(post("/v1/chat/completions", chat(), { "x-api-key": "gw-key-two" })))
        .status,
    ).toBe(200);
  });

  it("answers 415 for a non-JSON content type", async () => {
    const request = new Request("http://gateway.test/v1/chat/completions", {
      method: "POST",
      headers: { ...auth, "content-type": "text/plain" },
      body: "{}",
    });
    expect((await gateway.handle(request)).status).toBe(415);
  });

  it("answers 400 invalid_json for malformed JSON", async () => {
    const response = await gateway.handle(post("/v1/chat/completions", '{"model": ', auth));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_json" } });
  });

  it("answers 413 beyond GATEWAY_MAX_BODY_BYTES", async () => {
    const small = await startGateway({ GATEWAY_MAX_BODY_BYTES: "100" });
    const response = await small.handle(
      post("/v1/chat/completions", chat({ padding: "x".repeat(200) })),
    );
    await small.close();
    expect(response.status).toBe(413);
  });

  it("answers 400 model_not_found for an unknown tier", async () => {
    const response = await gateway.handle(
      post("/v1/chat/completions", chat({ model: "tier:nope" }), auth),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "model_not_found", param: "model" },
    });
  });

  it("echoes a sane x-request-id and replaces an unsafe one", async () => {
    const echoed = await gateway.handle(
      post("/v1/chat/completions", chat(), { ...auth, "x-request-id": "abc-123" }),
    );
    expect(echoed.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await gateway.handle(
      post("/v1/chat/completions", chat(), { ...auth, "x-request-id": "bad id<script>" }),
    );
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("chat completions", () => {
  it("answers from the first candidate with the x-llm headers", async () => {
    const response = await gateway.handle(post("/v1/chat/completions", chat(), auth));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(response.headers.get("x-llm-model")).toBe("claude-sonnet-4-5");
    expect(response.headers.get("x-llm-cache")).toBe("bypass");
    expect(response.headers.get("x-llm-attempts")).toBe("1");
    expect(await response.json()).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { content: "Hello from Anthropic" } }],
    });
  });

  it("falls back to OpenAI when Anthropic keeps failing", async () => {
    gateway.queue.anthropic.push("529", "529");
    const response = await gateway.handle(post("/v1/chat/completions", chat(), auth));
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    expect(response.headers.get("x-llm-attempts")).toBe("3");
  });

  it("answers 502 listing every candidate when all fail", async () => {
    gateway.queue.anthropic.push("malformed");
    gateway.queue.openai.push("500", "500");
    const response = await gateway.handle(post("/v1/chat/completions", chat(), auth));
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain("anthropic/claude-sonnet-4-5");
    expect(body.error.message).toContain("openai/gpt-4o");
  });
});

describe("streaming", () => {
  it("streams chunks and ends with [DONE]", async () => {
    const frames = await sse(
      await gateway.handle(post("/v1/chat/completions", chat({ stream: true }), auth)),
    );
    expect(frames.at(-1)).toBe("[DONE]");
    const text = frames
      .slice(0, -1)
      .map(
        (frame) =>
          (JSON.parse(frame) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
            .content ?? "",
      )
      .join("");
    expect(text).toBe("Hello there");
  });

  it("adds the usage chunk only with stream_options.include_usage", async () => {
    const without = await sse(
      await gateway.handle(post("/v1/chat/completions", chat({ stream: true }), auth)),
    );
    expect(without.some((frame) => frame.includes('"usage"'))).toBe(false);
    const withUsage = await sse(
      await gateway.handle(
        post(
          "/v1/chat/completions",
          chat({ stream: true, stream_options: { include_usage: true } }),
          auth,
        ),
      ),
    );
    expect(JSON.parse(withUsage.at(-2) ?? "{}")).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5 },
    });
  });

  it("falls back when the stream fails before its first chunk", async () => {
    gateway.queue.anthropic.push("sse-error-first", "sse-error-first");
    const response = await gateway.handle(
      post("/v1/chat/completions", chat({ stream: true }), auth),
    );
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    expect((await sse(response)).at(-1)).toBe("[DONE]");
  });

  it("ends with an error event and no [DONE] when the stream is cut after the first chunk", async () => {
    gateway.queue.anthropic.push("sse-cut-after-first");
    const response = await gateway.handle(
      post("/v1/chat/completions", chat({ stream: true }), auth),
    );
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    const frames = await sse(response);
    expect(frames).not.toContain("[DONE]");
    expect(JSON.parse(frames.at(-1) ?? "{}")).toMatchObject({
      error: { type: "api_error", code: "upstream_stream_error" },
    });
  });
});

describe("stalled streams", () => {
  it("end with an error event when no chunk arrives within LLM_ATTEMPT_TIMEOUT_MS after the first", async () => {
    const quick = await startGateway({ LLM_ATTEMPT_TIMEOUT_MS: "300" });
    quick.queue.anthropic.push("sse-stall-after-first");
    const started = Date.now();
    const frames = await sse(
      await quick.handle(post("/v1/chat/completions", chat({ stream: true }))),
    );
    await quick.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(frames).not.toContain("[DONE]");
    expect(JSON.parse(frames.at(-1) ?? "{}")).toMatchObject({
      error: { code: "upstream_stream_error" },
    });
  });
});

describe("cache", () => {
  it("hits for the same deterministic request with keys in another order", async () => {
    const first = await gateway.handle(
      post("/v1/chat/completions", chat({ temperature: 0, seed: 11 }), auth),
    );
    expect(first.headers.get("x-llm-cache")).toBe("miss");
    const reordered = JSON.stringify({
      seed: 11,
      temperature: 0,
      messages: [{ content: "Say hi", role: "user" }],
      model: "tier:default",
    });
    const second = await gateway.handle(post("/v1/chat/completions", reordered, auth));
    expect(second.headers.get("x-llm-cache")).toBe("hit");
    expect(second.headers.get("x-llm-attempts")).toBe("0");
  });

  it("does not serve one user's answer to another unless the scope is shared", async () => {
    const body = chat({ temperature: 0, seed: 12 });
    await gateway.handle(post("/v1/chat/completions", body, { ...auth, "x-user-id": "alice" }));
    const bob = await gateway.handle(
      post("/v1/chat/completions", body, { ...auth, "x-user-id": "bob" }),
    );
    expect(bob.headers.get("x-llm-cache")).toBe("miss");
    await gateway.handle(
      post("/v1/chat/completions", body, { ...auth, "x-llm-cache-scope": "shared" }),
    );
    const other = await gateway.handle(
      post("/v1/chat/completions", body, {
        authorization: "Bearer gw-key-two",
        "x-llm-cache-scope": "shared",
      }),
    );
    expect(other.headers.get("x-llm-cache")).toBe("hit");
  });

  it("bypasses with Cache-Control: no-cache", async () => {
    const body = chat({ temperature: 0, seed: 13 });
    await gateway.handle(post("/v1/chat/completions", body, auth));
    const bypass = await gateway.handle(
      post("/v1/chat/completions", body, { ...auth, "cache-control": "no-cache" }),
    );
    expect(bypass.headers.get("x-llm-cache")).toBe("bypass");
  });

  it("replays a cached answer as SSE for a streamed request", async () => {
    const body = chat({ temperature: 0, seed: 14 });
    await gateway.handle(post("/v1/chat/completions", body, auth));
    const response = await gateway.handle(
      post("/v1/chat/completions", { ...body, stream: true }, auth),
    );
    expect(response.headers.get("x-llm-cache")).toBe("hit");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect((await sse(response)).at(-1)).toBe("[DONE]");
  });

  it("makes one upstream call for identical concurrent requests", async () => {
    const before = gateway.calls("anthropic");
    const body = chat({ temperature: 0, seed: 15 });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => gateway.handle(post("/v1/chat/completions", body, auth))),
    );
    expect(gateway.calls("anthropic") - before).toBe(1);
    expect(responses.every((response) => response.status === 200)).toBe(true);
  });
});

describe("embeddings", () => {
  it("answers from OpenAI and caches", async () => {
    const first = await gateway.handle(
      post("/v1/embeddings", { model: "tier:embedding", input: "hello" }, auth),
    );
    expect(first.headers.get("x-llm-provider")).toBe("openai");
    expect(await first.json()).toMatchObject({
      object: "list",
      data: [{ embedding: [0.5, 0.25] }],
    });
    const second = await gateway.handle(
      post("/v1/embeddings", { input: "hello", model: "tier:embedding" }, auth),
    );
    expect(second.headers.get("x-llm-cache")).toBe("hit");
  });
});

describe("telemetry", () => {
  it("exposes the metric names in /metrics", async () => {
    await gateway.handle(post("/v1/chat/completions", chat(), auth));
    const text = await (await gateway.handle(new Request("http://gateway.test/metrics"))).text();
    for (const name of [
      "llm_gateway_requests_total{",
      "llm_gateway_cache_total{",
      "llm_gateway_tokens_total{",
      "llm_gateway_cost_usd_total{",
      "llm_gateway_request_duration_seconds_bucket{",
      "llm_gateway_upstream_attempts_total{",
      "llm_gateway_breaker_state{",
      "llm_gateway_budget_spent_usd",
    ]) {
      expect(text).toContain(name);
    }
  });

  it("writes JSON log lines without prompts, keys or e-mails", async () => {
    await gateway.handle(
      post(
        "/v1/chat/completions",
        chat({
          messages: [{ role: "user", content: "PROMPT-MARKER jane@example.com" }],
          user: "jane@example.com",
        }),
        { ...auth, "x-user-id": "jane@example.com" },
      ),
    );
    const all = gateway.logLines.join("\n");
    for (const line of gateway.logLines) expect(() => JSON.parse(line)).not.toThrow();
    expect(all).not.toContain("PROMPT-MARKER");
    expect(all).not.toContain("jane@example.com");
    expect(all).not.toContain("gw-key-one");
    expect(all).not.toContain("secretsecret");
  });
});

describe("routing details", () => {
  it("sends n > 1 only to OpenAI candidates", async () => {
    const response = await gateway.handle(post("/v1/chat/completions", chat({ n: 2 }), auth));
    expect(response.headers.get("x-llm-provider")).toBe("openai");
  });

  it("serves a concrete model by its own provider first", async () => {
    const response = await gateway.handle(
      post("/v1/chat/completions", chat({ model: "gpt-4o" }), auth),
    );
    expect(response.headers.get("x-llm-provider")).toBe("openai");
    expect(response.headers.get("x-llm-model")).toBe("gpt-4o");
  });
});

describe("limits", () => {
  it("answers 429 rate_limit_exceeded with retry-after past GATEWAY_RATE_LIMIT_PER_MINUTE", async () => {
    const limited = await startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: "2" });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let index = 0; index < 3; index++) {
      last = await limited.handle(post("/v1/chat/completions", chat()));
      statuses.push(last.status);
    }
    await limited.close();
    expect(statuses).toEqual([200, 200, 429]);
    expect(await last?.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });
    expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("answers 429 budget_exceeded without calling upstream once the cap is spent", async () => {
    const capped = await startGateway({
      LLM_DAILY_CAP_USD: "0.001",
      LLM_PRICES: JSON.stringify({
        "claude-sonnet-4-5": { inputPerMillion: 1000, outputPerMillion: 1000 },
        "gpt-4o": { inputPerMillion: 1000, outputPerMillion: 1000 },
      }),
    });
    const response = await capped.handle(post("/v1/chat/completions", chat({ max_tokens: 100 })));
    const calls = capped.calls("anthropic") + capped.calls("openai");
    await capped.close();
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ error: { code: "budget_exceeded" } });
    expect(calls).toBe(0);
  });
});

describe("answers without usage", () => {
  it("keep their budget reservation as the day's spend", async () => {
    const capped = await startGateway({
      LLM_DAILY_CAP_USD: "100",
      LLM_PRICES: JSON.stringify({ "gpt-4o": { inputPerMillion: 1000, outputPerMillion: 1000 } }),
    });
    capped.queue.openai.push("no-usage");
    const body = chat({ model: "gpt-4o", max_tokens: 10 });
    const response = await capped.handle(post("/v1/chat/completions", body));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const spent = await capped.runtime.budget.spentToday();
    await capped.close();
    expect(response.status).toBe(200);
    const estimate = estimateChatCost(
      capped.runtime.config.prices,
      "gpt-4o",
      parseChatRequest(body),
      4096,
    );
    expect(spent).toBeCloseTo(estimate, 12);
    expect(spent).toBeGreaterThan(0);
  });
});

describe("tracing", () => {
  it("continues an incoming traceparent on the upstream call", async () => {
    const traced = await startGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await traced.handle(
      post("/v1/chat/completions", chat(), { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }),
    );
    const upstream = traced.provider.received.find((request) => request.url === "/v1/messages");
    await traced.close();
    expect(upstream?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(upstream?.headers.traceparent).not.toContain("00f067aa0ba902b7");
  });

  it("sends no traceparent upstream when tracing is off", async () => {
    await gateway.handle(post("/v1/chat/completions", chat(), auth));
    expect(gateway.provider.received.at(-1)?.headers.traceparent).toBeUndefined();
  });
});

describe("structured outputs", () => {
  it("answers 502, never prose with 200, when no candidate gives JSON for response_format", async () => {
    const response = await gateway.handle(
      post(
        "/v1/chat/completions",
        chat({ model: "tier:fast", response_format: { type: "json_object" } }),
        auth,
      ),
    );
    const body = (await response.json()) as { error: { message: string } };
    expect([response.status, body.error.message]).toEqual([
      502,
      expect.stringContaining("not valid JSON"),
    ]);
  });

  it("ends a stream whose answer is not JSON with an error event instead of [DONE]", async () => {
    const frames = await sse(
      await gateway.handle(
        post(
          "/v1/chat/completions",
          chat({ model: "tier:fast", stream: true, response_format: { type: "json_object" } }),
          auth,
        ),
      ),
    );
    expect([frames.includes("[DONE]"), frames.at(-1)]).toEqual([
      false,
      expect.stringContaining("invalid_structured_output"),
    ]);
  });
});
