// The simulator answers tools, tool results, JSON mode and structured outputs the way the
// providers do, so client code that uses them runs under `npm start` as it does in production.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProviderSimulator } from "./index";
import type { ProviderSimulator } from "./index";

let simulator: ProviderSimulator;
let openai: OpenAI;

beforeAll(async () => {
  simulator = await startProviderSimulator();
  openai = new OpenAI({ apiKey: "sk-test", baseURL: simulator.openaiBaseUrl, maxRetries: 0 });
});

afterAll(async () => {
  await simulator.close();
});

const weather = {
  type: "object",
  properties: { city: { type: "string" }, days: { type: "integer" } },
  required: ["city", "days"],
};
const tools = [{ type: "function" as const, function: { name: "forecast", parameters: weather } }];
const question = [{ role: "user" as const, content: "Weather in Oslo?" }];

describe("OpenAI wire", () => {
  it("calls the offered tool with arguments that fit its parameters", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: question,
      tools,
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    const args = JSON.parse(call?.type === "function" ? call.function.arguments : "{}") as object;
    expect([completion.choices[0]?.finish_reason, Object.keys(args)]).toEqual([
      "tool_calls",
      ["city", "days"],
    ]);
  });

  it("answers in text after a tool result", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      tools,
      messages: [
        ...question,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "forecast", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
    });
    expect(completion.choices[0]?.message.content).toMatch(/^Simulated-/);
  });

  it("streams a tool call in pieces that add up to JSON", async () => {
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: question,
      tools,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream)
      text += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["city", "days"]);
  });

  it("answers JSON for json_object", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: question,
      response_format: { type: "json_object" },
    });
    expect(typeof JSON.parse(completion.choices[0]?.message.content ?? "")).toBe("object");
  });

  it("answers JSON that fits a json_schema", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: question,
      response_format: { type: "json_schema", json_schema: { name: "w", schema: weather } },
    });
    const value = JSON.parse(completion.choices[0]?.message.content ?? "") as {
      city: unknown;
      days: unknown;
    };
    expect([typeof value.city, Number.isInteger(value.days)]).toEqual(["string", true]);
  });
});

describe("Anthropic wire", () => {
  interface Message {
    stop_reason: string;
    content: { type: string; input?: Record<string, unknown> }[];
  }
  const messages = async (body: Record<string, unknown>): Promise<Message> => {
    const response = await fetch(`${simulator.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": "sk-ant-test",
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 100, ...body }),
    });
    return (await response.json()) as Message;
  };
  const anthropicTools = [{ name: "forecast", input_schema: weather }];

  it("calls the forced tool with an input that fits its schema", async () => {
    const message = await messages({
      messages: question,
      tools: anthropicTools,
      tool_choice: { type: "tool", name: "forecast" },
    });
    expect([message.stop_reason, message.content[0]?.input]).toEqual([
      "tool_use",
      expect.objectContaining({ city: expect.any(String) }),
    ]);
  });

  it("answers in text after a tool_result", async () => {
    const message = await messages({
      tools: anthropicTools,
      messages: [
        ...question,
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "forecast", input: {} }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok" }] },
      ],
    });
    expect(message.content[0]?.type).toBe("text");
  });
});
