import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { startCaptureSink } from "../support/capture-sink";
import type { CaptureSink } from "../support/capture-sink";
import { postChat, postJson } from "../support/gateway-client";
import { gatewayEnv, testProviderKeys } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { readSseEvents } from "../support/sse";
import { waitUntil } from "../support/wait-until";

const gatewayKey = "gk-live-REDACTIONtestKEY0123456789";
const email = "jane.doe@example.com";
const userKey = "sk-USERpastedKEY0123456789abcdefghij";
const jwt =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const bearer = "Bearer tok_SECRETbearer0123456789";
const promptMarker = "PROMPT-TEXT-MARKER-7f3a";

/** Every string that must appear in no log line and no analytics event. */
const secrets = [
  gatewayKey,
  email,
  userKey,
  jwt,
  "tok_SECRETbearer0123456789",
  testProviderKeys.openai,
  testProviderKeys.anthropic,
  promptMarker,
];

let simulator: ProviderSimulator;
let posthog: CaptureSink;
let otlp: CaptureSink;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  posthog = await startCaptureSink();
  otlp = await startCaptureSink();
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      GATEWAY_API_KEYS: gatewayKey,
      POSTHOG_KEY: "phc_testProjectKey",
      POSTHOG_HOST: posthog.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      LOG_LEVEL: "debug",
    }),
  });
  const headers = {
    authorization: `Bearer ${gatewayKey}`,
    "x-user-id": email,
    "x-debug-token": bearer,
  };
  const content = `${promptMarker}: my key is ${userKey}, mail me at ${email}, token ${jwt}, header ${bearer}`;
  const messages = [{ role: "user", content }];
  // The scenario: success, failure with fallback (upstream error bodies get logged), streaming,
  // a cache hit, a rejected request and an embedding, all carrying the secrets.
  await (
    await postChat(gateway.url, { model: "tier:default", messages, user: email }, { headers })
  ).arrayBuffer();
  simulator.faults.enqueue(
    "anthropic",
    { kind: "status", status: 500 },
    { kind: "status", status: 500 },
  );
  await (
    await postChat(gateway.url, { model: "tier:default", messages, temperature: 0 }, { headers })
  ).arrayBuffer();
  await (
    await postChat(gateway.url, { model: "tier:default", messages, temperature: 0 }, { headers })
  ).arrayBuffer();
  await readSseEvents(
    await postChat(gateway.url, { model: "tier:default", messages, stream: true }, { headers }),
  );
  await (await postChat(gateway.url, { model: "tier:nope", messages }, { headers })).arrayBuffer();
  await (
    await postChat(
      gateway.url,
      { model: "tier:default", messages },
      { headers: { authorization: `Bearer ${userKey}` } },
    )
  ).arrayBuffer();
  await (
    await postJson(
      gateway.url,
      "/v1/embeddings",
      { model: "text-embedding-3-small", input: content },
      { headers },
    )
  ).arrayBuffer();
  await waitUntil(() => posthog.requests.length > 0, {
    description: "a PostHog capture",
    timeoutMs: 15_000,
  });
  // Let fire-and-forget deliveries and log lines of the last requests land.
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([simulator?.close(), posthog?.close(), otlp?.close()]);
});

function leaks(texts: string[]): string[] {
  return secrets.filter((secret) => texts.some((text) => text.includes(secret)));
}

describe("redaction", () => {
  it("writes JSON log lines", () => {
    const lines = gateway.output.filter((line) => line.text.trim().startsWith("{"));
    expect(lines.length).toBeGreaterThan(0);
  });

  it("leaves no key, token, email or prompt text in any log line", () => {
    expect(leaks(gateway.output.map((line) => line.text))).toEqual([]);
  });

  it("leaves none of them in any PostHog event", () => {
    expect(leaks(posthog.requests.map((request) => request.text))).toEqual([]);
  });

  it("leaves none of them in any OTLP trace export", () => {
    expect(leaks(otlp.requests.map((request) => request.text))).toEqual([]);
  });

  it("exports request spans as OTLP/HTTP JSON to /v1/traces", () => {
    expect(
      otlp.requests.some(
        (request) => request.path === "/v1/traces" && request.text.includes("resourceSpans"),
      ),
    ).toBe(true);
  });

  it("propagates an incoming traceparent's trace id to the provider", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    simulator.requests.length = 0;
    const response = await postChat(
      gateway.url,
      { model: "tier:default", messages: [{ role: "user", content: "trace me" }] },
      {
        headers: {
          authorization: `Bearer ${gatewayKey}`,
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        },
      },
    );
    await response.arrayBuffer();
    expect(String(simulator.requests[0]?.headers.traceparent)).toMatch(
      new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`),
    );
  });

  it("sends PostHog events with provider, model, tier, cache status, latency, cost and status", () => {
    const events = posthog.requests.flatMap((request) => {
      const body = request.json as { batch?: unknown[] } | undefined;
      return Array.isArray(body?.batch) ? body.batch : [body];
    }) as { properties?: Record<string, unknown> }[];
    const served = events.find(
      (event) => event.properties?.cache !== undefined && event.properties.tier !== undefined,
    );
    const keys = Object.keys(served?.properties ?? {});
    for (const property of [/provider/, /model/, /tier/, /cache/, /latency/, /cost/, /status/]) {
      expect(
        keys.some((key) => property.test(key)),
        String(property),
      ).toBe(true);
    }
  });

  it("sends a distinct_id that is neither the user id nor the email", () => {
    const ids = [
      ...posthog.requests
        .map((request) => request.text)
        .join("\n")
        .matchAll(/"distinct_id":"([^"]*)"/g),
    ].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(email);
    expect(ids.every((id) => (id ?? "").length >= 16)).toBe(true);
  });

  it("sends the PostHog project key with the events", () => {
    expect(posthog.requests.some((request) => request.text.includes("phc_testProjectKey"))).toBe(
      true,
    );
  });
});
