import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSseEvents } from "../../test/support/sse";
import { startProviderSimulator } from "./index";
import type { ProviderSimulator } from "./index";

let simulator: ProviderSimulator;

beforeAll(async () => {
  simulator = await startProviderSimulator({ apiKeys: { anthropic: "sk-ant-simulator-test" } });
});

afterAll(async () => {
  await simulator.close();
});

const baseBody = {
  model: "claude-3-5-haiku-latest",
  max_tokens: 256,
  system: "You are terse.",
  messages: [{ role: "user", content: "What does the gateway do?" }],
};

function messagesRequest(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${simulator.anthropicBaseUrl}/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": "sk-ant-simulator-test",
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

interface AnthropicMessage {
  type: string;
  content: { type: string; text: string }[];
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}

describe("Anthropic simulator: Messages API", () => {
  it("answers a non-streaming request with a message, its text block and usage", async () => {
    const response = await messagesRequest(baseBody);
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    const message = (await response.json()) as AnthropicMessage;
    expect(message.type).toBe("message");
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content[0]?.text).toMatch(/^Simulated-[0-9a-f]{8}:/);
    expect(message.usage.output_tokens).toBe(message.content[0]?.text.split(" ").length);
  });

  it("gives the same answer as OpenAI's route for the same conversation", async () => {
    const anthropic = (await (await messagesRequest(baseBody)).json()) as AnthropicMessage;
    const openaiResponse = await fetch(`${simulator.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer any", "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        messages: [{ role: "system", content: "You are terse." }, ...baseBody.messages],
      }),
    });
    const openai = (await openaiResponse.json()) as { choices: { message: { content: string } }[] };
    expect(openai.choices[0]?.message.content).toBe(anthropic.content[0]?.text);
  });

  it("stops at max_tokens with stop_reason max_tokens", async () => {
    const message = (await (
      await messagesRequest({ ...baseBody, max_tokens: 2 })
    ).json()) as AnthropicMessage;
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage.output_tokens).toBe(2);
  });

  it("streams the documented event sequence in order", async () => {
    const { events } = await readSseEvents(await messagesRequest({ ...baseBody, stream: true }));
    const names = events.map((event) => event.event);
    const deltaCount = names.filter((name) => name === "content_block_delta").length;
    expect(deltaCount).toBeGreaterThan(1);
    expect(names).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...Array<string>(deltaCount).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("streams text deltas that join to the non-streamed text, with output usage in message_delta", async () => {
    const whole = (await (await messagesRequest(baseBody)).json()) as AnthropicMessage;
    const { events } = await readSseEvents(await messagesRequest({ ...baseBody, stream: true }));
    const data = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
    const text = data
      .filter((item) => item.type === "content_block_delta")
      .map((item) => (item.delta as { text: string }).text)
      .join("");
    expect(text).toBe(whole.content[0]?.text);
    const messageDelta = data.find((item) => item.type === "message_delta") as {
      usage: { output_tokens: number };
    };
    expect(messageDelta.usage.output_tokens).toBe(whole.usage.output_tokens);
  });

  it("reports input tokens in message_start", async () => {
    const { events } = await readSseEvents(await messagesRequest({ ...baseBody, stream: true }));
    const start = JSON.parse(events[0]?.data ?? "{}") as {
      message: { usage: { input_tokens: number } };
    };
    const whole = (await (await messagesRequest(baseBody)).json()) as AnthropicMessage;
    expect(start.message.usage.input_tokens).toBe(whole.usage.input_tokens);
  });

  it("rejects a wrong x-api-key with authentication_error", async () => {
    const response = await messagesRequest(baseBody, { "x-api-key": "sk-ant-wrong" });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
  });

  it("requires the anthropic-version header", async () => {
    const response = await fetch(`${simulator.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-ant-simulator-test", "content-type": "application/json" },
      body: JSON.stringify(baseBody),
    });
    expect(response.status).toBe(400);
  });

  it("requires max_tokens, as the real API does", async () => {
    const { max_tokens: _omitted, ...body } = baseBody;
    const response = await messagesRequest(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("rejects a system role inside messages", async () => {
    const response = await messagesRequest({
      ...baseBody,
      messages: [{ role: "system", content: "x" }],
    });
    expect(response.status).toBe(400);
  });
});
