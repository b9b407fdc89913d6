import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSseEvents } from "../../test/support/sse";
import { startProviderSimulator } from "./index";
import type { ProviderSimulator } from "./index";

let simulator: ProviderSimulator;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startProviderSimulator({ apiKeys: { openai: "sk-simulator-test" } });
  client = new OpenAI({
    apiKey: "sk-simulator-test",
    baseURL: simulator.openaiBaseUrl,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await simulator.close();
});

const messages = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "What does the gateway do?" },
];

function chatRequest(body: unknown): Promise<Response> {
  return fetch(`${simulator.openaiBaseUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer sk-simulator-test", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("OpenAI simulator: chat completions", () => {
  it("answers a non-streaming request in the SDK's chat.completion shape with consistent usage", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o-mini");
    const content = completion.choices[0]?.message.content ?? "";
    expect(content).toMatch(/^Simulated-[0-9a-f]{8}:/);
    expect(completion.usage?.completion_tokens).toBe(content.split(" ").length);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it("gives the same answer for the same input and a different one for another input", async () => {
    const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const other = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Something else entirely" }],
    });
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(other.choices[0]?.message.content).not.toBe(first.choices[0]?.message.content);
  });

  it("cuts the answer at max_tokens and reports finish_reason length", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      max_tokens: 3,
    });
    expect(completion.choices[0]?.message.content?.split(" ")).toHaveLength(3);
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("streams chat.completion.chunk events through the SDK that join to the non-streamed answer", async () => {
    const whole = await client.chat.completions.create({ model: "gpt-4o-mini", messages });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it("sends a final usage chunk with empty choices when stream_options.include_usage is set", async () => {
    const response = await chatRequest({
      model: "gpt-4o-mini",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const { events } = await readSseEvents(response);
    expect(events.at(-1)?.data).toBe("[DONE]");
    const last = JSON.parse(events.at(-2)?.data ?? "{}") as {
      choices: unknown[];
      usage: { total_tokens: number };
    };
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBeGreaterThan(0);
  });

  it("sends no usage field without include_usage", async () => {
    const response = await chatRequest({ model: "gpt-4o-mini", messages, stream: true });
    const { events } = await readSseEvents(response);
    const chunks = events
      .filter((event) => event.data !== "[DONE]")
      .map((event) => JSON.parse(event.data) as object);
    expect(chunks.every((chunk) => !("usage" in chunk))).toBe(true);
  });

  it("rejects a wrong API key with OpenAI's 401 error", async () => {
    const response = await fetch(`${simulator.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-wrong", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "invalid_api_key" } });
  });

  it("rejects a request without messages with a 400 naming the parameter", async () => {
    const response = await chatRequest({ model: "gpt-4o-mini" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { param: "messages", type: "invalid_request_error" },
    });
  });

  it("records each request with its parsed body and headers", async () => {
    simulator.requests.length = 0;
    await chatRequest({ model: "gpt-4o-mini", messages });
    expect(simulator.requests).toHaveLength(1);
    expect(simulator.requests[0]).toMatchObject({
      provider: "openai",
      path: "/v1/chat/completions",
      body: { model: "gpt-4o-mini" },
      headers: { authorization: "Bearer sk-simulator-test" },
    });
  });
});

describe("OpenAI simulator: embeddings", () => {
  it("answers the SDK's default base64 encoding with unit vectors of the model's size", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello",
    });
    const vector = result.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(1536);
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 4);
  });

  it("honours dimensions and float encoding, one vector per input", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["a", "b"],
      dimensions: 8,
      encoding_format: "float",
    });
    expect(result.data.map((item) => item.embedding.length)).toEqual([8, 8]);
    expect(result.data[0]?.embedding).not.toEqual(result.data[1]?.embedding);
    expect(result.usage.prompt_tokens).toBe(2);
  });

  it("returns the same vector for the same input", async () => {
    const request = {
      model: "text-embedding-3-small",
      input: "same",
      dimensions: 4,
      encoding_format: "float" as const,
    };
    const first = await client.embeddings.create(request);
    const second = await client.embeddings.create(request);
    expect(second.data[0]?.embedding).toEqual(first.data[0]?.embedding);
  });
});
