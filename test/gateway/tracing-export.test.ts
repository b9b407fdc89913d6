import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { postChat, uniqueMessages } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { startRedisServer, type RedisServer } from "../support/redis-server";
import { timeouts } from "../support/timeouts";
import { waitUntil } from "../support/wait-until";

// A loopback OTLP/HTTP collector in front of a real gateway process on a real Redis and the
// embedded Postgres: what a hosted backend (Honeycomb, Grafana Cloud, ...) would receive, headers
// included, store and database calls too.
const apiKey = "otlp-api-key-0123456789abcdef";

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

let simulator: ProviderSimulator;
/** A loopback OTLP/HTTP collector that keeps every request it answers. */
interface Collector {
  url: string;
  received: { url: string; headers: IncomingHttpHeaders; body: string }[];
  server: Server;
}

async function startCollector(): Promise<Collector> {
  const received: Collector["received"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

let collector: Collector;
let gateway: GatewayProcess;
let redisServer: RedisServer;
let database: LocalDatabase;
let requestId: string;
const messageText = `traced-${Date.now()}`;

function spans(): ExportedSpan[] {
  return collector.received.flatMap((request) => {
    const body = JSON.parse(request.body) as {
      resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[];
    };
    return body.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) => scope.spans),
    );
  });
}

function attribute(span: ExportedSpan, key: string): unknown {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}

function serverSpan(): ExportedSpan {
  const span = spans().find((candidate) => candidate.name === "POST /v1/chat/completions");
  if (!span) throw new Error("no server span");
  return span;
}

beforeAll(async () => {
  simulator = await startProviderSimulator();
  collector = await startCollector();
  [redisServer, database] = await Promise.all([startRedisServer(), startLocalDatabase()]);
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/otlp/v1/traces`,
      OTEL_EXPORTER_OTLP_HEADERS: `x-honeycomb-team=${apiKey},x-scope=platform%20ops`,
      OTEL_SERVICE_NAME: "gateway-under-test",
      REDIS_URL: redisServer.url,
      DATABASE_URL: database.url,
      // A cap, so the budget reserves in the store.
      LLM_DAILY_CAP_USD: "100",
    }),
  });
  requestId = `trace-test-${Date.now()}`;
  const response = await postChat(
    gateway.url,
    { model: "tier:default", messages: uniqueMessages(messageText), temperature: 0 },
    { headers: { "x-request-id": requestId } },
  );
  await response.arrayBuffer();
  await waitUntil(
    () =>
      spans().some((span) => span.name.startsWith("chat ")) &&
      spans().some((span) => span.name === "Store:set"),
    { description: "the attempt span and the cache write at the collector" },
  );
}, timeouts.hook);

afterAll(async () => {
  await gateway?.stop();
  await new Promise((resolve) => collector?.server.close(resolve));
  await Promise.all([simulator?.close(), redisServer?.stop(), database?.stop()]);
}, timeouts.hook);

/** The one span named `name` in the request's trace. */
function spanNamed(name: string): ExportedSpan | undefined {
  const { traceId } = serverSpan();
  return spans().find((span) => span.traceId === traceId && span.name === name);
}

describe("OTLP trace export", () => {
  it("posts to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given", () => {
    expect(collector.received[0]?.url).toBe("/otlp/v1/traces");
  });

  it("sends the configured headers, URL-decoded", () => {
    expect(collector.received[0]?.headers["x-honeycomb-team"]).toBe(apiKey);
    expect(collector.received[0]?.headers["x-scope"]).toBe("platform ops");
  });

  it("records parse, exact cache, route and budget spans under the request span", () => {
    const server = serverSpan();
    const children = spans()
      .filter((span) => span.parentSpanId === server.spanId)
      .map((span) => span.name);

    expect(children).toEqual(expect.arrayContaining(["Parse", "Cache:Exact", "Router"]));
  });

  it("records the budget and each attempt under the route span", () => {
    const router = spans().find((span) => span.name === "Router");
    const children = spans()
      .filter((span) => span.parentSpanId === router?.spanId)
      .map((span) => span.name);

    expect(children).toEqual(expect.arrayContaining(["Budget", "chat claude-haiku-4-5"]));
  });

  it("names the attempt's provider and model with the GenAI conventions", () => {
    // The chat attempt, not the semantic cache's embedding attempt.
    const attempt = spans().find((span) => span.name === "chat claude-haiku-4-5");

    expect(attempt && attribute(attempt, "gen_ai.provider.name")).toBe("anthropic");
    expect(attempt && attribute(attempt, "gen_ai.request.model")).toBe("claude-haiku-4-5");
    expect(attempt && attribute(attempt, "gen_ai.operation.name")).toBe("chat");
  });

  it("puts the token usage on the request span", () => {
    expect(Number(attribute(serverSpan(), "gen_ai.usage.input_tokens"))).toBeGreaterThan(0);
    expect(Number(attribute(serverSpan(), "gen_ai.usage.output_tokens"))).toBeGreaterThan(0);
  });

  it("writes the request's trace id into its log line", () => {
    const line = gateway.output
      .map((entry) => entry.text)
      .find((text) => text.includes('"event":"request"') && text.includes(requestId));
    const logged = line === undefined ? undefined : (JSON.parse(line) as { traceId?: string });

    expect(logged?.traceId).toBe(serverSpan().traceId);
  });

  it("records the exact cache's store read under the Cache:Exact span", () => {
    expect(spanNamed("Store:get")?.parentSpanId).toBe(spanNamed("Cache:Exact")?.spanId);
  });

  it("records the budget reservation under the Budget span", () => {
    expect(spanNamed("Store:increment_within_limit")?.parentSpanId).toBe(
      spanNamed("Budget")?.spanId,
    );
  });

  it("names Redis and the operation on store spans", () => {
    const read = spanNamed("Store:get");
    expect(read && [attribute(read, "db.system"), attribute(read, "db.operation.name")]).toEqual([
      "redis",
      "get",
    ]);
  });

  it("records the semantic cache's query under the Cache:Semantic span", () => {
    expect(spanNamed("Database:semantic_cache.lookup")?.parentSpanId).toBe(
      spanNamed("Cache:Semantic")?.spanId,
    );
  });

  it("names PostgreSQL on database spans", () => {
    const query = spanNamed("Database:semantic_cache.lookup");
    expect(query && attribute(query, "db.system")).toBe("postgresql");
  });

  it("puts no store key and no message text into any span", () => {
    const exported = collector.received.map((request) => request.body).join("\n");
    expect([exported.includes("llm:"), exported.includes(messageText)]).toEqual([false, false]);
  });

  it("never prints the OTLP header value", () => {
    expect(gateway.output.some((entry) => entry.text.includes(apiKey))).toBe(false);
  });
});
