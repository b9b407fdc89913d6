// A provider that says the request is wrong is the client's business (its status, OpenAI's shape,
// no fallback, no breaker count); a provider that refuses the gateway's key is the gateway's (fall
// back, 502, a loud log); and nothing a provider writes reaches a client or a log unredacted.
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages, type OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";
import { waitUntil } from "../support/wait-until";

const leakedKey = "sk-ant-api03-LEAKEDinERRORtext0123456789abcdef";
const leakedEmail = "ops.person@example.com";
const promptMarker = "QUOTED-PROMPT-MARKER-4411 about my private diary";

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({ env: gatewayEnv(simulator) });
});

afterEach(() => simulator.faults.clear());

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

function logText(): string {
  return gateway.output.map((line) => line.text).join("\n");
}

describe("an upstream 400", () => {
  it("goes back to the client as a 400 in OpenAI's shape", async () => {
    simulator.faults.enqueue("anthropic", {
      kind: "status",
      status: 400,
      message: "max_tokens: too large",
    });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("client 400"),
    });
    const body = (await response.json()) as OpenAiErrorBody;
    expect([response.status, body.error.type]).toEqual([400, "invalid_request_error"]);
  });

  it("makes one upstream call, with no retry and no fallback", async () => {
    const before = simulator.requests.length;
    simulator.faults.enqueue("anthropic", { kind: "status", status: 400 });
    await (
      await postChat(gateway.url, { model: "tier:default", messages: uniqueMessages("one call") })
    ).arrayBuffer();
    expect(simulator.requests.slice(before).map((request) => request.provider)).toEqual([
      "anthropic",
    ]);
  });

  it("is the SDK's BadRequestError, which the SDK does not retry", async () => {
    const before = simulator.requests.length;
    simulator.faults.enqueue("anthropic", { kind: "status", status: 400 });
    const client = new OpenAI({ apiKey: "any", baseURL: `${gateway.url}/v1`, maxRetries: 2 });
    await expect(
      client.chat.completions.create({
        model: "tier:default",
        messages: uniqueMessages("sdk 400"),
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(simulator.requests.length - before).toBe(1);
  });
});

describe("upstream 400s", () => {
  let strict: GatewayProcess;

  beforeAll(async () => {
    strict = await startGateway({ env: gatewayEnv(simulator, { LLM_BREAKER_THRESHOLD: "2" }) });
  });

  afterAll(async () => {
    await strict?.stop();
  });

  it("do not open the provider's breaker", async () => {
    for (let index = 0; index < 3; index++) {
      simulator.faults.enqueue("anthropic", { kind: "status", status: 400 });
      await (
        await postChat(strict.url, { model: "tier:default", messages: uniqueMessages("breaker") })
      ).arrayBuffer();
    }
    const health = (await (await fetch(`${strict.url}/health`)).json()) as {
      providers: Record<string, { breaker: string }>;
    };
    expect(health.providers.anthropic?.breaker).toBe("closed");
  });
});

describe("an upstream 404 for a concrete model", () => {
  it("goes back as a 404 model_not_found", async () => {
    simulator.faults.enqueue("anthropic", { kind: "status", status: 404, message: "model: nope" });
    const response = await postChat(gateway.url, {
      model: testModels.anthropicDefault,
      messages: uniqueMessages("concrete 404"),
    });
    expect(response.status).toBe(404);
  });
});

describe("an upstream 401", () => {
  it("falls back to the next candidate", async () => {
    simulator.faults.enqueue("anthropic", { kind: "status", status: 401 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("auth fallback"),
    });
    await response.arrayBuffer();
    expect([response.status, response.headers.get("x-llm-provider")]).toEqual([200, "openai"]);
  });

  it("is logged as an error naming the provider", async () => {
    simulator.faults.enqueue("anthropic", { kind: "status", status: 403 });
    await (
      await postChat(gateway.url, { model: "tier:default", messages: uniqueMessages("auth log") })
    ).arrayBuffer();
    const line = gateway.output.find((entry) => entry.text.includes('"provider_auth_failed"'));
    expect(JSON.parse(line?.text ?? "{}")).toMatchObject({ level: "error", provider: "anthropic" });
  });

  it("ends as a 502 when every candidate refuses the gateway's keys", async () => {
    simulator.faults.setPersistent("anthropic", { kind: "status", status: 401 });
    simulator.faults.setPersistent("openai", { kind: "status", status: 401 });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("auth 502"),
    });
    await response.arrayBuffer();
    simulator.faults.setPersistent("anthropic", undefined);
    simulator.faults.setPersistent("openai", undefined);
    expect(response.status).toBe(502);
  });
});

describe("provider error text", () => {
  const leakyMessage = `bad request from ${leakedEmail} with key ${leakedKey}`;

  it("reaches the client's error body redacted", async () => {
    simulator.faults.setPersistent("anthropic", {
      kind: "status",
      status: 500,
      message: leakyMessage,
    });
    simulator.faults.setPersistent("openai", {
      kind: "status",
      status: 500,
      message: leakyMessage,
    });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("leak 502"),
    });
    const text = await response.text();
    simulator.faults.setPersistent("anthropic", undefined);
    simulator.faults.setPersistent("openai", undefined);
    expect([response.status, text.includes(leakedKey), text.includes(leakedEmail)]).toEqual([
      502,
      false,
      false,
    ]);
  });

  it("reaches a client 400 redacted", async () => {
    simulator.faults.enqueue("anthropic", { kind: "status", status: 400, message: leakyMessage });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: uniqueMessages("leak 400"),
    });
    const text = await response.text();
    expect([text.includes(leakedKey), text.includes(leakedEmail)]).toEqual([false, false]);
  });

  it("never carries the prompt it quotes into the logs or the client's body", async () => {
    simulator.faults.enqueue("anthropic", {
      kind: "status",
      status: 400,
      message: `messages.0.content: "${promptMarker}" is not allowed`,
    });
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: [{ role: "user", content: promptMarker }],
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    // The provider's message is logged (scrubbed) once the request is done.
    await waitUntil(() => logText().includes("[prompt]"), {
      description: "the scrubbed provider message in the log",
    });
    expect([text.includes("QUOTED-PROMPT"), logText().includes("QUOTED-PROMPT")]).toEqual([
      false,
      false,
    ]);
  });
});
