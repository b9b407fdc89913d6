// The clients people use, pointed at the gateway, with each provider first: the official `openai`
// SDK (Chat Completions, Responses, structured outputs, tools, embeddings), the Vercel AI SDK
// (its default `openai(model)` speaks the Responses API) and LangChain. The providers are loopback
// servers speaking OpenAI's and Anthropic's wire formats, and a third OpenAI-compatible provider
// configured through LLM_PROVIDERS (served on the simulator's Gemini-style path).
import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";
import { embed, generateText, Output, streamText, tool } from "ai";
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderName, ProviderSimulator } from "../../scripts/provider-simulator/index";
import { uniqueMessages } from "../support/gateway-client";
import { gatewayEnv, testProviderKeys } from "../support/gateway-env";
import { startGateway } from "../support/gateway-process";
import type { GatewayProcess } from "../support/gateway-process";

const apiKey = "gk-test-clients-0123456789";
const compatibleKey = "cmp-test-key-0123456789";

const candidates = {
  openai: { provider: "openai", model: "gpt-4o-mini" },
  anthropic: { provider: "anthropic", model: "claude-haiku-4-5" },
  compatible: { provider: "compatible", model: "llama-3.3-70b" },
};

const routes = {
  "openai-first": [candidates.openai, candidates.anthropic, candidates.compatible],
  "anthropic-first": [candidates.anthropic, candidates.openai, candidates.compatible],
  "compatible-first": [candidates.compatible, candidates.openai, candidates.anthropic],
  "embedding-openai-first": [
    { provider: "openai", model: "text-embedding-3-small" },
    { provider: "compatible", model: "text-embedding-3-small-compatible" },
  ],
  "embedding-compatible-first": [
    { provider: "compatible", model: "text-embedding-3-small-compatible" },
    { provider: "openai", model: "text-embedding-3-small" },
  ],
};

let simulator: ProviderSimulator;
let gateway: GatewayProcess;

beforeAll(async () => {
  simulator = await startProviderSimulator({
    apiKeys: { openai: testProviderKeys.openai, gemini: compatibleKey },
  });
  gateway = await startGateway({
    env: gatewayEnv(simulator, {
      GATEWAY_API_KEYS: apiKey,
      LLM_ROUTES: JSON.stringify(routes),
      LLM_PROVIDERS: JSON.stringify({
        compatible: { baseUrl: simulator.geminiBaseUrl, apiKeyVariable: "COMPATIBLE_API_KEY" },
      }),
      COMPATIBLE_API_KEY: compatibleKey,
    }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

/** Which simulator route answered each request sent while `work` ran. */
async function providersUsed(work: () => Promise<unknown>): Promise<ProviderName[]> {
  const before = simulator.requests.length;
  await work();
  return simulator.requests.slice(before).map((request) => request.provider);
}

const weather = z.object({ city: z.string(), temperature: z.number(), sunny: z.boolean() });

const weatherParameters = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

describe.each([
  { first: "openai", tier: "tier:openai-first", wire: "openai" },
  { first: "anthropic", tier: "tier:anthropic-first", wire: "anthropic" },
  { first: "compatible", tier: "tier:compatible-first", wire: "gemini" },
] as const)("with $first first", ({ tier, wire }) => {
  const client = (): OpenAI => new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const aiProvider = () => createOpenAI({ apiKey, baseURL: `${gateway.url}/v1` });
  const langChain = (): ChatOpenAI =>
    new ChatOpenAI({
      model: tier,
      apiKey,
      maxRetries: 0,
      configuration: { baseURL: `${gateway.url}/v1` },
    });

  describe("the openai SDK", () => {
    it("gets a chat completion from the first provider", async () => {
      let content: string | null | undefined;
      const used = await providersUsed(async () => {
        const completion = await client().chat.completions.create({
          model: tier,
          messages: uniqueMessages("sdk text"),
        });
        content = completion.choices[0]?.message.content;
      });
      expect(used).toEqual([wire]);
      expect(content).toMatch(/^Simulated-/);
    });

    it("streams a chat completion", async () => {
      const stream = await client().chat.completions.create({
        model: tier,
        messages: uniqueMessages("sdk stream"),
        stream: true,
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toMatch(/^Simulated-/);
    });

    it("gets a tool call with JSON arguments", async () => {
      const completion = await client().chat.completions.create({
        model: tier,
        messages: uniqueMessages("sdk tools"),
        tools: [
          {
            type: "function",
            function: { name: "get_weather", parameters: weatherParameters },
          },
        ],
      });
      const call = completion.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === "function" && call.function.name).toBe("get_weather");
      expect(
        JSON.parse(call?.type === "function" ? call.function.arguments : "null"),
      ).toHaveProperty("city");
    });

    it("parses a structured output with chat.completions.parse", async () => {
      const completion = await client().chat.completions.parse({
        model: tier,
        messages: uniqueMessages("sdk parse"),
        response_format: zodResponseFormat(weather, "weather"),
      });
      expect(weather.safeParse(completion.choices[0]?.message.parsed).success).toBe(true);
    });

    it("streams a structured output as JSON", async () => {
      const stream = await client().chat.completions.create({
        model: tier,
        messages: uniqueMessages("sdk structured stream"),
        response_format: { type: "json_object" },
        stream: true,
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(typeof JSON.parse(text)).toBe("object");
    });

    it("gets a Responses API answer", async () => {
      const response = await client().responses.create({ model: tier, input: "responses text" });
      expect(response.output_text).toMatch(/^Simulated-/);
    });

    it("streams a Responses API answer to response.completed", async () => {
      const stream = await client().responses.create({
        model: tier,
        input: uniqueMessages("responses stream")[0]?.content ?? "",
        stream: true,
      });
      let text = "";
      let completed = false;
      for await (const event of stream) {
        if (event.type === "response.output_text.delta") text += event.delta;
        if (event.type === "response.completed") completed = true;
      }
      expect([text.startsWith("Simulated-"), completed]).toEqual([true, true]);
    });

    it("gets a function call from the Responses API", async () => {
      const response = await client().responses.create({
        model: tier,
        input: uniqueMessages("responses tools")[0]?.content ?? "",
        tools: [
          { type: "function", name: "get_weather", parameters: weatherParameters, strict: true },
        ],
      });
      const call = response.output.find((item) => item.type === "function_call");
      expect(call?.type === "function_call" && call.name).toBe("get_weather");
    });

    it("gets a structured output from the Responses API", async () => {
      const response = await client().responses.create({
        model: tier,
        input: uniqueMessages("responses structured")[0]?.content ?? "",
        text: {
          format: {
            type: "json_schema",
            name: "weather",
            schema: z.toJSONSchema(weather) as Record<string, unknown>,
          },
        },
      });
      expect(weather.safeParse(JSON.parse(response.output_text)).success).toBe(true);
    });
  });

  describe("the Vercel AI SDK", () => {
    it("generates text with the default openai(model), the Responses API", async () => {
      const result = await generateText({
        model: aiProvider()(tier),
        prompt: uniqueMessages("ai generateText")[0]?.content ?? "",
        maxRetries: 0,
      });
      expect(result.text).toMatch(/^Simulated-/);
    });

    it("streams text with the default openai(model)", async () => {
      const result = streamText({
        model: aiProvider()(tier),
        prompt: uniqueMessages("ai streamText")[0]?.content ?? "",
        maxRetries: 0,
      });
      let text = "";
      for await (const delta of result.textStream) text += delta;
      expect(text).toMatch(/^Simulated-/);
    });

    it("generates an object (Output.object, AI SDK 7's generateObject) through the Responses API", async () => {
      const result = await generateText({
        model: aiProvider()(tier),
        prompt: uniqueMessages("ai object")[0]?.content ?? "",
        output: Output.object({ schema: weather }),
        maxRetries: 0,
      });
      expect(weather.safeParse(result.output).success).toBe(true);
    });

    it("generates an object through Chat Completions", async () => {
      const result = await generateText({
        model: aiProvider().chat(tier),
        prompt: uniqueMessages("ai chat object")[0]?.content ?? "",
        output: Output.object({ schema: weather }),
        maxRetries: 0,
      });
      expect(weather.safeParse(result.output).success).toBe(true);
    });

    it("calls a tool", async () => {
      const result = await generateText({
        model: aiProvider()(tier),
        prompt: uniqueMessages("ai tools")[0]?.content ?? "",
        tools: { getWeather: tool({ inputSchema: z.object({ city: z.string() }) }) },
        maxRetries: 0,
      });
      expect(result.toolCalls[0]?.toolName).toBe("getWeather");
    });
  });

  describe("LangChain", () => {
    it("invokes", async () => {
      const message = await langChain().invoke(uniqueMessages("lc invoke")[0]?.content ?? "");
      expect(message.content).toMatch(/^Simulated-/);
    });

    it("streams", async () => {
      let text = "";
      for await (const chunk of await langChain().stream(
        uniqueMessages("lc stream")[0]?.content ?? "",
      ))
        text += typeof chunk.content === "string" ? chunk.content : "";
      expect(text).toMatch(/^Simulated-/);
    });

    it("calls a bound tool", async () => {
      const model = langChain().bindTools([
        {
          type: "function",
          function: { name: "get_weather", description: "Weather", parameters: weatherParameters },
        },
      ]);
      const message = await model.invoke(uniqueMessages("lc tools")[0]?.content ?? "");
      expect(message.tool_calls?.[0]?.name).toBe("get_weather");
    });

    it("returns structured output", async () => {
      const result = await langChain()
        .withStructuredOutput(weather)
        .invoke(uniqueMessages("lc structured")[0]?.content ?? "");
      expect(weather.safeParse(result).success).toBe(true);
    });
  });
});

describe.each([
  { first: "openai", tier: "tier:embedding-openai-first", wire: "openai" },
  { first: "compatible", tier: "tier:embedding-compatible-first", wire: "gemini" },
] as const)("embeddings with $first first", ({ tier, wire }) => {
  it("embeds with the openai SDK", async () => {
    let length = 0;
    const used = await providersUsed(async () => {
      const result = await new OpenAI({
        apiKey,
        baseURL: `${gateway.url}/v1`,
        maxRetries: 0,
      }).embeddings.create({ model: tier, input: `sdk embed ${Math.random()}` });
      length = result.data[0]?.embedding.length ?? 0;
    });
    expect([used, length > 0]).toEqual([[wire], true]);
  });

  it("embeds with the AI SDK", async () => {
    const result = await embed({
      model: createOpenAI({ apiKey, baseURL: `${gateway.url}/v1` }).embeddingModel(tier),
      value: `ai embed ${Math.random()}`,
      maxRetries: 0,
    });
    expect(result.embedding.length).toBeGreaterThan(0);
  });
});

describe("GET /v1/models", () => {
  it("lists the tiers and the concrete models through the SDK", async () => {
    const models = await new OpenAI({
      apiKey,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    }).models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["tier:openai-first", "claude-haiku-4-5"]));
  });
});
