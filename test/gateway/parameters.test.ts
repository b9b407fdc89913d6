// Request members reach each provider translated, or the client learns they were not honoured:
// a response header lists them, or (when it asks for strictness) a 400 names the first one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { postChat, uniqueMessages, type OpenAiErrorBody } from "../support/gateway-client";
import { gatewayEnv, testModels, testRoutes } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      LLM_ROUTES: JSON.stringify({
        ...testRoutes,
        "anthropic-only": [{ provider: "anthropic", model: testModels.anthropicDefault }],
      }),
    }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

/** Sends a chat request and returns the response with the body Anthropic received. */
async function sentToAnthropic(
  extra: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ response: Response; upstream: Record<string, unknown> | undefined }> {
  const before = simulator.requests.length;
  const response = await postChat(
    gateway.url,
    { model: "tier:default", messages: uniqueMessages("parameters"), ...extra },
    { headers },
  );
  await response.clone().arrayBuffer();
  const upstream = simulator.requests
    .slice(before)
    .find((request) => request.provider === "anthropic")?.body as
    Record<string, unknown> | undefined;
  return { response, upstream };
}

describe("on Anthropic", () => {
  it("sends user as metadata.user_id", async () => {
    const { upstream } = await sentToAnthropic({ user: "user-42" });
    expect(upstream?.metadata).toEqual({ user_id: "user-42" });
  });

  it("sends stop as stop_sequences", async () => {
    const { upstream } = await sentToAnthropic({ stop: ["END"] });
    expect(upstream?.stop_sequences).toEqual(["END"]);
  });

  it("sends parallel_tool_calls: false as disable_parallel_tool_use", async () => {
    const { upstream } = await sentToAnthropic({
      parallel_tool_calls: false,
      tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
    });
    expect(upstream?.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
  });

  it("sends response_format json_schema as a forced tool with the schema as its input", async () => {
    const schema = { type: "object", properties: { mood: { type: "string" } } };
    const { upstream } = await sentToAnthropic({
      response_format: { type: "json_schema", json_schema: { name: "mood", schema } },
    });
    expect([upstream?.tool_choice, (upstream?.tools as unknown[])?.[0]]).toEqual([
      { type: "tool", name: "mood" },
      expect.objectContaining({ name: "mood", input_schema: schema }),
    ]);
  });

  it("lists what it could not honour in x-llm-ignored-parameters", async () => {
    const { response } = await sentToAnthropic({ seed: 7, presence_penalty: 0.5 });
    expect(response.headers.get("x-llm-ignored-parameters")).toBe("seed,presence_penalty");
  });

  it("refuses what it cannot honour with a 400 naming it when the client asks for strictness", async () => {
    const response = await postChat(
      gateway.url,
      { model: "tier:anthropic-only", messages: uniqueMessages("strict"), logprobs: true },
      { headers: { "x-llm-strict-parameters": "true" } },
    );
    const error = (await response.json()) as OpenAiErrorBody;
    expect([response.status, error.error.param]).toEqual([400, "logprobs"]);
  });

  it("goes to a candidate that can honour it when the client asks for strictness", async () => {
    const response = await postChat(
      gateway.url,
      { model: "tier:default", messages: uniqueMessages("strict fallback"), seed: 3 },
      { headers: { "x-llm-strict-parameters": "true" } },
    );
    await response.arrayBuffer();
    expect(response.headers.get("x-llm-provider")).toBe("openai");
  });
});

describe("tool-call arguments", () => {
  it("that are not JSON get a 400 naming them, not an empty object upstream", async () => {
    const response = await postChat(gateway.url, {
      model: "tier:default",
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "w", arguments: "{city:" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    const error = (await response.json()) as OpenAiErrorBody;
    expect([response.status, error.error.param]).toEqual([
      400,
      "messages.1.tool_calls.0.function.arguments",
    ]);
  });
});
