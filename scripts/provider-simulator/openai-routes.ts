import { contentWords, similarityEmbedding } from "../../functions/_shared/similarity-embedding";
import {
  answerWords,
  embeddingVector,
  estimateTokens,
  limitWords,
  randomIdentifier,
  textDeltas,
  vectorToBase64,
} from "./deterministic-text";
import { conversationFingerprint, isRecord, plainMessages } from "./conversation";
import type { PlannedEvent, PlannedResponse } from "./planned-response";
import { sampleFromSchema, splitText } from "./schema-sample";
import { sseEvent } from "./planned-response";

/** OpenAI's error body. */
export function openaiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): PlannedResponse {
  return { type: "json", status, headers: {}, body: { error: { message, type, param, code } } };
}

function usageBlock(promptTokens: number, completionTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function optionalMaxTokens(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === "number" ? value : undefined;
}

/** A request body that is a JSON object naming a model. */
type OpenaiBody = Record<string, unknown> & { model: string };

/** The body as an object with a model, or OpenAI's 400 for one that is not. */
function openaiBody(requestBody: unknown): { body: OpenaiBody } | { error: PlannedResponse } {
  if (!isRecord(requestBody)) {
    return {
      error: openaiError(
        400,
        "We could not parse the JSON body of your request.",
        "invalid_request_error",
        null,
      ),
    };
  }
  if (typeof requestBody.model !== "string" || requestBody.model.length === 0) {
    return {
      error: openaiError(
        400,
        "you must provide a model parameter",
        "invalid_request_error",
        null,
        "model",
      ),
    };
  }
  return { body: requestBody as OpenaiBody };
}

/** A tool call the simulated model decided to make. */
interface SimulatedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Like OpenAI's models: with tools offered (and `tool_choice` not "none") and the conversation
 * ending in a user turn, the model calls the forced tool or the first one, with arguments that fit
 * its parameters; after a tool result it answers in text.
 */
function simulatedToolCall(body: OpenaiBody, words: string[]): SimulatedToolCall | undefined {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  if (tools.length === 0 || body.tool_choice === "none") return undefined;
  if (isRecord(last) && last.role === "tool") return undefined;
  const forced =
    isRecord(body.tool_choice) && isRecord(body.tool_choice.function)
      ? body.tool_choice.function.name
      : undefined;
  const tool =
    tools.find((item) => isRecord(item.function) && item.function.name === forced) ?? tools[0];
  const definition = isRecord(tool?.function) ? tool.function : {};
  return {
    id: `call_${randomIdentifier(24)}`,
    name: typeof definition.name === "string" ? definition.name : "tool",
    arguments: JSON.stringify(
      sampleFromSchema(definition.parameters ?? { type: "object", properties: {} }, words),
    ),
  };
}

/** The answer text: plain words, or JSON for `response_format` json_object / json_schema. */
function simulatedContent(body: OpenaiBody, words: string[]): { text: string; json: boolean } {
  const format = body.response_format;
  if (isRecord(format) && format.type === "json_schema") {
    const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
    return {
      text: JSON.stringify(sampleFromSchema(schema ?? { type: "object" }, words)),
      json: true,
    };
  }
  if (isRecord(format) && format.type === "json_object")
    return { text: JSON.stringify({ answer: words.join(" ") }), json: true };
  return { text: words.join(" "), json: false };
}

/** `POST /v1/chat/completions`: a deterministic answer as JSON or as `chat.completion.chunk` SSE. */
export function openaiChatCompletion(requestBody: unknown): PlannedResponse {
  const parsed = openaiBody(requestBody);
  if ("error" in parsed) return parsed.error;
  const body = parsed.body;
  const messages = plainMessages(body.messages);
  if (messages === undefined || messages.length === 0) {
    return openaiError(
      400,
      "Invalid value for 'messages': expected a non-empty array of messages.",
      "invalid_request_error",
      "invalid_value",
      "messages",
    );
  }
  const promptTokens = messages.reduce((sum, message) => sum + estimateTokens(message.text) + 4, 3);
  const { words, truncated } = limitWords(
    answerWords(conversationFingerprint(messages)),
    optionalMaxTokens(body),
  );
  const finishReason = truncated ? "length" : "stop";
  const choiceCount = typeof body.n === "number" && body.n > 1 ? Math.min(body.n, 8) : 1;
  const id = `chatcmpl-${randomIdentifier(29)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body.model;
  const toolCall = simulatedToolCall(body, words);
  const content = simulatedContent(body, words);

  if (body.stream !== true) {
    return {
      type: "json",
      status: 200,
      headers: {},
      body: {
        id,
        object: "chat.completion",
        created,
        model,
        choices: Array.from({ length: choiceCount }, (_, index) => ({
          index,
          message: toolCall
            ? {
                role: "assistant",
                content: null,
                tool_calls: [
                  {
                    id: toolCall.id,
                    type: "function",
                    function: { name: toolCall.name, arguments: toolCall.arguments },
                  },
                ],
                refusal: null,
                annotations: [],
              }
            : { role: "assistant", content: content.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: toolCall ? "tool_calls" : finishReason,
        })),
        usage: usageBlock(promptTokens, words.length * choiceCount),
        service_tier: "default",
        system_fingerprint: "fp_simulator",
      },
    };
  }

  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  const includeUsage = streamOptions.include_usage === true;
  const chunk = (choices: unknown[], carriesContent: boolean, usage?: unknown): PlannedEvent => ({
    text: sseEvent(
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        service_tier: "default",
        system_fingerprint: "fp_simulator",
        choices,
        ...(includeUsage ? { usage: usage ?? null } : {}),
      }),
    ),
    carriesContent,
  });
  const events: PlannedEvent[] = [];
  for (let index = 0; index < choiceCount; index += 1) {
    events.push(
      chunk(
        [
          {
            index,
            delta: { role: "assistant", content: "", refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ],
        false,
      ),
    );
  }
  const deltas: Record<string, unknown>[] = toolCall
    ? [
        {
          tool_calls: [
            {
              index: 0,
              id: toolCall.id,
              type: "function",
              function: { name: toolCall.name, arguments: "" },
            },
          ],
        },
        ...splitText(toolCall.arguments).map((piece) => ({
          tool_calls: [{ index: 0, function: { arguments: piece } }],
        })),
      ]
    : (content.json ? splitText(content.text) : textDeltas(words)).map((piece) => ({
        content: piece,
      }));
  for (const delta of deltas) {
    for (let index = 0; index < choiceCount; index += 1) {
      events.push(chunk([{ index, delta, logprobs: null, finish_reason: null }], true));
    }
  }
  for (let index = 0; index < choiceCount; index += 1) {
    events.push(
      chunk(
        [
          {
            index,
            delta: {},
            logprobs: null,
            finish_reason: toolCall ? "tool_calls" : finishReason,
          },
        ],
        false,
      ),
    );
  }
  if (includeUsage)
    events.push(chunk([], false, usageBlock(promptTokens, words.length * choiceCount)));
  events.push({ text: sseEvent("[DONE]"), carriesContent: false });
  return { type: "stream", headers: {}, events };
}

function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === "number")) return [JSON.stringify(input)];
  if (input.every((item) => typeof item === "string")) return input as string[];
  if (input.every((item) => Array.isArray(item))) return input.map((item) => JSON.stringify(item));
  return undefined;
}

/**
 * `POST /v1/embeddings`: deterministic unit vectors that keep paraphrases close
 * (functions/_shared/similarity-embedding.ts), as float arrays or base64 float32.
 */
export function openaiEmbeddings(requestBody: unknown): PlannedResponse {
  const parsed = openaiBody(requestBody);
  if ("error" in parsed) return parsed.error;
  const body = parsed.body;
  const inputs = embeddingInputs(body.input);
  if (inputs === undefined || inputs.some((input) => input.length === 0)) {
    return openaiError(
      400,
      "'input' must be a non-empty string or array of strings or tokens.",
      "invalid_request_error",
      "invalid_value",
      "input",
    );
  }
  const defaultDimensions = body.model.includes("large") ? 3072 : 1536;
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : defaultDimensions;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > defaultDimensions) {
    return openaiError(
      400,
      `Invalid value for 'dimensions': must be between 1 and ${defaultDimensions}.`,
      "invalid_request_error",
      "invalid_value",
      "dimensions",
    );
  }
  const base64 = body.encoding_format === "base64";
  const promptTokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  return {
    type: "json",
    status: 200,
    headers: {},
    body: {
      object: "list",
      data: inputs.map((input, index) => {
        // Similarity-preserving (hashed content words, trigrams and word pairs), so paraphrases
        // land within the semantic cache's threshold as a real model's embeddings would.
        // Text without content words ("a") would all map to one vector: hashed instead.
        const vector =
          contentWords(input).length > 0
            ? similarityEmbedding(input, { dimensions })
            : embeddingVector(`${body.model}\n${input}`, dimensions);
        return { object: "embedding", index, embedding: base64 ? vectorToBase64(vector) : vector };
      }),
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    },
  };
}

/** The error body OpenAI sends with each injected status. */
export function openaiStatusError(status: number): PlannedResponse {
  if (status === 429) {
    return openaiError(
      429,
      "Rate limit reached for requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
      "requests",
      "rate_limit_exceeded",
    );
  }
  if (status === 503 || status === 529) {
    return openaiError(
      status,
      "The engine is currently overloaded, please try again later.",
      "server_error",
      null,
    );
  }
  if (status >= 500) {
    return openaiError(
      status,
      "The server had an error while processing your request. Sorry about that!",
      "server_error",
      null,
    );
  }
  return openaiError(status, `Simulated error ${status}.`, "invalid_request_error", null);
}

/** OpenAI's in-stream error (what it sends when a stream fails after the 200). */
export function openaiStreamErrorEvent(): string {
  return sseEvent(
    JSON.stringify({
      error: {
        message: "The server had an error while processing your request.",
        type: "server_error",
        param: null,
        code: null,
      },
    }),
  );
}
