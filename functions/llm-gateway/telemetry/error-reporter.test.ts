import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { post, startGateway, type GatewayHarness } from "../test/gateway-harness.ts";
import { startLoopbackServer, type LoopbackServer } from "../test/loopback-server.ts";
import type { SentryReporter } from "./error-reporter.ts";
import { parseDsn, stackFrames } from "./error-reporter.ts";

// A loopback stand-in for Sentry's envelope endpoint; the gateway reports to it as to sentry.io.
let sentry: LoopbackServer;
let gateway: GatewayHarness | undefined;
const providerKey = "sk-ant-api03-secretsecretsecret";

beforeAll(async () => {
  sentry = await startLoopbackServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"id":"0"}');
  });
});
afterAll(async () => {
  await sentry.close();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function dsn(): string {
  return `${sentry.url.replace("http://", "http://public-key-1@")}/42`;
}

async function reported(harness: GatewayHarness, before: number): Promise<string[]> {
  await (harness.runtime.observability.errors as SentryReporter).flush();
  return sentry.received.slice(before).map((request) => request.body);
}

function chat(): Request {
  return post("/v1/chat/completions", {
    model: "claude-haiku-4-5",
    messages: [{ role: "user", content: "hi" }],
  });
}

describe("parseDsn", () => {
  it("derives the envelope URL and public key", () => {
    expect(parseDsn("https://abc123@o1.ingest.sentry.io/4507")).toEqual({
      envelopeUrl: "https://o1.ingest.sentry.io/api/4507/envelope/",
      publicKey: "abc123",
    });
  });

  it("refuses a DSN without a key, naming SENTRY_DSN", () => {
    expect(() => parseDsn("https://o1.ingest.sentry.io/4507")).toThrow(/SENTRY_DSN/);
  });
});

describe("stackFrames", () => {
  it("turns V8 stack lines into frames, oldest first", () => {
    const frames = stackFrames(
      "Error: x\n    at inner (file:///a.ts:1:2)\n    at file:///b.ts:3:4",
    );
    expect(frames).toEqual([
      { filename: "file:///b.ts", lineno: 3, colno: 4 },
      { function: "inner", filename: "file:///a.ts", lineno: 1, colno: 2 },
    ]);
  });
});

describe("error reports to Sentry", () => {
  it("sends nothing without SENTRY_DSN", async () => {
    gateway = await startGateway();
    const before = sentry.received.length;
    gateway.runtime.budget.reserve = () => Promise.reject(new TypeError("boom"));
    await (await gateway.handle(chat())).arrayBuffer();

    expect(sentry.received.length).toBe(before);
  });

  it("reports a 500 as an envelope with the DSN's key in X-Sentry-Auth", async () => {
    gateway = await startGateway({ SENTRY_DSN: dsn() });
    const before = sentry.received.length;
    gateway.runtime.budget.reserve = () => Promise.reject(new TypeError("boom"));
    const response = await gateway.handle(chat());
    await response.arrayBuffer();
    await reported(gateway, before);
    const request = sentry.received[before];

    expect(response.status).toBe(500);
    expect(request?.url).toBe("/api/42/envelope/");
    expect(request?.headers["x-sentry-auth"]).toContain("sentry_key=public-key-1");
  });

  it("names the error's type and message in the event", async () => {
    gateway = await startGateway({ SENTRY_DSN: dsn() });
    const before = sentry.received.length;
    gateway.runtime.budget.reserve = () => Promise.reject(new TypeError("boom"));
    await (await gateway.handle(chat())).arrayBuffer();
    const [envelope] = await reported(gateway, before);
    const event = JSON.parse(envelope?.split("\n")[2] ?? "{}") as {
      exception: { values: { type: string; value: string }[] };
      tags: Record<string, string>;
    };

    expect(event.exception.values[0]).toMatchObject({ type: "TypeError", value: "boom" });
    expect(event.tags.route).toBe("/v1/chat/completions");
  });

  it("redacts secrets from the report as from logs", async () => {
    gateway = await startGateway({ SENTRY_DSN: dsn() });
    const before = sentry.received.length;
    gateway.runtime.budget.reserve = () =>
      Promise.reject(new TypeError(`failed with key ${providerKey}`));
    await (await gateway.handle(chat())).arrayBuffer();
    const [envelope] = await reported(gateway, before);

    expect(envelope).toContain("failed with key");
    expect(envelope).not.toContain(providerKey);
  });

  it("reports a provider answer that cannot be translated", async () => {
    gateway = await startGateway({ SENTRY_DSN: dsn(), LLM_MAX_RETRIES: "0" });
    const before = sentry.received.length;
    gateway.queue.anthropic.push("malformed");
    await (await gateway.handle(chat())).arrayBuffer();
    const [envelope] = await reported(gateway, before);

    expect(envelope).toContain('"type":"UpstreamProtocolError"');
  });

  it("does not report a client's mistake (400)", async () => {
    gateway = await startGateway({ SENTRY_DSN: dsn() });
    const before = sentry.received.length;
    await (await gateway.handle(post("/v1/chat/completions", { model: 3 }))).arrayBuffer();

    expect(await reported(gateway, before)).toEqual([]);
  });
});
