import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatedAnswer, startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { uniqueMessages } from "../support/gateway-client";
import { gatewayEnv, testModels } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

const apiKey = "gk-test-sdk-0123456789";

let simulator: ProviderSimulator;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({ env: gatewayEnv(simulator, { GATEWAY_API_KEYS: apiKey }) });
  client = new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

describe("the official openai SDK pointed at the gateway", () => {
  it("gets a non-streamed chat completion", async () => {
    const messages = uniqueMessages("sdk non-stream");
    const completion = await client.chat.completions.create({ model: "tier:default", messages });
    expect(completion.choices[0]?.message.content).toBe(simulatedAnswer(messages));
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("reads the gateway headers through withResponse", async () => {
    const { response } = await client.chat.completions
      .create({ model: "tier:default", messages: uniqueMessages("sdk headers") })
      .withResponse();
    expect(response.headers.get("x-llm-provider")).toBe("anthropic");
    expect(response.headers.get("x-llm-model")).toBe(testModels.anthropicDefault);
    expect(response.headers.get("x-request-id")).toEqual(expect.any(String));
  });

  it("streams a chat completion with a final usage chunk", async () => {
    const messages = uniqueMessages("sdk stream");
    const stream = await client.chat.completions.create({
      model: "tier:default",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let totalTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      totalTokens = chunk.usage?.total_tokens ?? totalTokens;
    }
    expect(text).toBe(simulatedAnswer(messages));
    expect(totalTokens).toBeGreaterThan(0);
  });

  it("gets embeddings with the SDK's default base64 encoding", async () => {
    const result = await client.embeddings.create({
      model: testModels.embedding,
      input: `sdk ${Date.now()}`,
    });
    expect(result.data[0]?.embedding).toHaveLength(1536);
    const norm = Math.sqrt(
      (result.data[0]?.embedding ?? []).reduce((sum, value) => sum + value * value, 0),
    );
    expect(norm).toBeCloseTo(1, 3);
  });

  it("gets float embeddings for several inputs", async () => {
    const result = await client.embeddings.create({
      model: testModels.embedding,
      input: ["one", "two"],
      encoding_format: "float",
      dimensions: 16,
    });
    expect(result.data.map((item) => item.embedding.length)).toEqual([16, 16]);
  });

  it("works under the Supabase mount path /llm-gateway/v1", async () => {
    const mounted = new OpenAI({ apiKey, baseURL: `${gateway.url}/llm-gateway/v1`, maxRetries: 0 });
    const messages = uniqueMessages("sdk mounted");
    const completion = await mounted.chat.completions.create({ model: "tier:default", messages });
    expect(completion.choices[0]?.message.content).toBe(simulatedAnswer(messages));
  });

  it("surfaces a gateway 400 as the SDK's BadRequestError", async () => {
    await expect(
      client.chat.completions.create({
        model: "tier:does-not-exist",
        messages: uniqueMessages("sdk error"),
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("surfaces a missing key as the SDK's AuthenticationError", async () => {
    const anonymous = new OpenAI({
      apiKey: "gk-wrong",
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    });
    await expect(
      anonymous.chat.completions.create({
        model: "tier:default",
        messages: uniqueMessages("sdk auth"),
      }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
