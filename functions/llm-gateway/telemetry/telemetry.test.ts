import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedactor } from "../../_shared/redact.ts";
import { startLoopbackServer, type LoopbackServer } from "../test/loopback-server.ts";
import { loadActiveSpanStorage } from "./active-span.ts";
import { PostHogAnalytics } from "./analytics.ts";
import { formatTraceparent, OtlpTracer, parseTraceparent } from "./tracing.ts";

let collector: LoopbackServer;

beforeAll(async () => {
  collector = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end("{}");
  });
});
afterAll(async () => {
  await collector.close();
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("traceparent", () => {
  it("parses a valid header", () => {
    expect(parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
    });
  });

  it("rejects malformed and all-zero ids", () => {
    expect(parseTraceparent("00-xyz-00f067aa0ba902b7-01")).toBeUndefined();
    expect(
      parseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
    ).toBeUndefined();
    expect(parseTraceparent(null)).toBeUndefined();
  });

  it("formats a sampled header", () => {
    expect(formatTraceparent({ traceId: "a".repeat(32), spanId: "b".repeat(16) })).toBe(
      `00-${"a".repeat(32)}-${"b".repeat(16)}-01`,
    );
  });
});

describe("OtlpTracer", () => {
  it("exports parent and child spans as OTLP/HTTP JSON to /v1/traces", async () => {
    const before = collector.received.length;
    const tracer = new OtlpTracer({
      endpoint: collector.url,
      serviceName: "gateway-test",
      flushIntervalMs: 10_000,
    });
    const parent = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" };
    const server = tracer.startSpan("POST /v1/chat/completions", "server", parent);
    const client = tracer.startSpan("llm.attempt openai", "client", server);
    client.setAttribute("llm.provider", "openai");
    client.end("HTTP 503");
    server.end();
    await tracer.flush();
    const sent = collector.received.slice(before).find((request) => request.url === "/v1/traces");
    const body = JSON.parse(sent?.body ?? "{}") as {
      resourceSpans: {
        resource: { attributes: unknown[] };
        scopeSpans: { spans: Record<string, unknown>[] }[];
      }[];
    };
    expect(body.resourceSpans[0]?.resource.attributes).toContainEqual({
      key: "service.name",
      value: { stringValue: "gateway-test" },
    });
    const spans = body.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    expect(spans).toHaveLength(2);
    expect(spans[0]).toMatchObject({
      traceId: parent.traceId,
      parentSpanId: server.spanId,
      kind: 3,
      status: { code: 2, message: "HTTP 503" },
    });
    expect(spans[1]).toMatchObject({
      traceId: parent.traceId,
      parentSpanId: parent.spanId,
      kind: 2,
      status: { code: 1 },
    });
  });
});

describe("OtlpTracer active span", () => {
  it("keeps the active span across awaits", async () => {
    const tracer = new OtlpTracer({
      endpoint: collector.url,
      serviceName: "gateway-test",
      activeSpans: await loadActiveSpanStorage(),
    });
    const server = tracer.startSpan("POST /v1/chat/completions", "server");
    const seen = await tracer.withActiveSpan(server, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return tracer.activeSpan();
    });
    expect(seen).toBe(server);
  });

  it("has no active span outside withActiveSpan", async () => {
    const tracer = new OtlpTracer({
      endpoint: collector.url,
      serviceName: "gateway-test",
      activeSpans: await loadActiveSpanStorage(),
    });
    expect(tracer.activeSpan()).toBeUndefined();
  });
});

describe("PostHogAnalytics", () => {
  it("sends a salted-hash distinct_id and no personal data, without being awaited", async () => {
    const before = collector.received.length;
    const analytics = new PostHogAnalytics({
      apiKey: "phc_project",
      host: collector.url,
      salt: "salt",
      redact: createRedactor(),
    });
    analytics.capture("user:jane@example.com", {
      route: "/v1/chat/completions",
      provider: "openai",
      model: "gpt-4o",
      tier: "default",
      cache: "miss",
      latencyMs: 12.3456,
      costUsd: 0.001,
      status: 200,
      stream: false,
      attempts: 1,
    });
    await until(() => collector.received.length > before);
    const sent = collector.received.at(-1);
    expect(sent?.url).toBe("/i/v0/e/");
    const body = JSON.parse(sent?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({
      api_key: "phc_project",
      event: "llm_gateway_request",
      properties: { provider: "openai", cache: "miss", $process_person_profile: false },
    });
    expect(body.distinct_id).toMatch(/^[0-9a-f]{64}$/);
    expect(sent?.body).not.toContain("jane");
  });
});
