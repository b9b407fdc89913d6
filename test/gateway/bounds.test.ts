// Every input the gateway reads is bounded: request bodies (depth, length, a Content-Length that
// lies), provider answers and stream events (size), and the wait of a single-flight follower.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages, type OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

const bodyTimeoutMs = 500;
const maxResponseBytes = 200_000;
const maxEventBytes = 50_000;

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      GATEWAY_BODY_TIMEOUT_MS: String(bodyTimeoutMs),
      LLM_MAX_RESPONSE_BYTES: String(maxResponseBytes),
      LLM_MAX_EVENT_BYTES: String(maxEventBytes),
      LLM_MAX_RETRIES: "0",
    }),
  });
});

afterEach(() => simulator.faults.clear());

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

/** Sends raw HTTP and resolves with the status line, or "no answer" after `waitMs`. */
function rawRequest(text: string, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(gateway.port, "127.0.0.1", () => socket.write(text));
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("no answer");
    }, waitMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      if (received.includes("\r\n")) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received.split("\r\n", 1)[0] ?? "");
      }
    });
    socket.on("error", () => undefined);
  });
}

describe("request bodies", () => {
  it("refuses a body nested 100k levels deep with a 400", async () => {
    const body = `{"model":"tier:default","messages":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const error = (await response.json()) as OpenAiErrorBody;
    expect([response.status, error.error.code]).toEqual([400, "invalid_json"]);
  });

  it("answers 408 when the body is shorter than its Content-Length", async () => {
    const body = '{"model":"tier:default"}';
    const status = await rawRequest(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 500}\r\n\r\n${body}`,
      bodyTimeoutMs * 10,
    );
    expect(status).toBe("HTTP/1.1 408 Request Timeout");
  });
});

describe("provider answers", () => {
  it("fails over from an answer larger than LLM_MAX_RESPONSE_BYTES", async () => {
    simulator.faults.enqueue("anthropic", { kind: "oversize", bytes: maxResponseBytes * 2 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("oversize answer"),
    });
    await response.arrayBuffer();
    expect([response.status, response.headers.get("x-llm-provider")]).toEqual([200, "openai"]);
  });

  it("names LLM_MAX_RESPONSE_BYTES when every answer is too large", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "oversize", bytes: maxResponseBytes * 2 });
    simulator.faults.setPersistent("openai", { kind: "oversize", bytes: maxResponseBytes * 2 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("oversize everywhere"),
    });
    const error = (await response.json()) as OpenAiErrorBody;
    expect([response.status, error.error.message]).toEqual([
      502,
      expect.stringContaining("LLM_MAX_RESPONSE_BYTES"),
    ]);
  });

  it("fails over from a stream event larger than LLM_MAX_EVENT_BYTES", async () => {
    simulator.faults.enqueue("anthropic", { kind: "oversize", bytes: maxEventBytes * 2 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("oversize event"),
      stream: true,
    });
    await response.arrayBuffer();
    expect([response.status, response.headers.get("x-llm-provider")]).toEqual([200, "openai"]);
  });
});

describe("single-flight followers", () => {
  it("get their own answer within the deadline when the streaming leader's client stops reading", async () => {
    const body = {
      model: "tier:openai-first",
      messages: uniqueMessages("stalled leader"),
      temperature: 0,
      stream: true,
    };
    // An answer that never ends, to a leader whose client reads the headers and then nothing: the
    // socket fills up and the gateway stops pulling upstream, so the leader never finishes.
    simulator.faults.enqueue("openai", { kind: "endless-stream" });
    const leader = new AbortController();
    const leaderResponse = await postChat(gateway.url, body, { signal: leader.signal });
    expect(leaderResponse.status).toBe(200);
    const started = Date.now();
    const follower = await postChat(gateway.url, body, { signal: AbortSignal.timeout(7000) });
    const text = await follower.text();
    leader.abort();
    expect([follower.status, text.includes("[DONE]"), Date.now() - started < 7000]).toEqual([
      200,
      true,
      true,
    ]);
  });
});
