import {
  answerWords,
  estimateTokens,
  limitWords,
  randomIdentifier,
  textDeltas,
} from "./deterministic-text";
import { contentText, conversationFingerprint, isRecord, plainMessages } from "./conversation";
import type { PlannedEvent, PlannedResponse } from "./planned-response";
import { sampleFromSchema, splitText } from "./schema-sample";
import { sseEvent } from "./planned-response";

/** Anthropic's error body. */
export function anthropicError(status: number, type: string, message: string): PlannedResponse {
  return { type: "json", status, headers: {}, body: { type: "error", error: { type, message } } };
}

function event(name: string, data: Record<string, unknown>, carriesContent = false): PlannedEvent {
  return { text: sseEvent(JSON.stringify({ type: name, ...data }), name), carriesContent };
}

/**
 * Like Claude: with tools offered (`tool_choice` not "none") and the last user turn not a tool
 * result, it calls the forced tool (`{type: "tool", name}`) or the first one, with an input that
 * fits its `input_schema`; after a `tool_result` it answers in text.
 */
function simulatedToolUse(
  body: Record<string, unknown>,
  words: string[],
): { id: string; name: string; input: unknown } | undefined {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const choice = isRecord(body.tool_choice) ? body.tool_choice : { type: "auto" };
  if (tools.length === 0 || choice.type === "none") return undefined;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1];
  const answersToolResult =
    isRecord(last) &&
    Array.isArray(last.content) &&
    last.content.some((block) => isRecord(block) && block.type === "tool_result");
  if (answersToolResult && choice.type !== "tool") return undefined;
  const tool =
    (choice.type === "tool" ? tools.find((item) => item.name === choice.name) : undefined) ??
    tools[0];
  return {
    id: `toolu_${randomIdentifier(24)}`,
    name: typeof tool?.name === "string" ? tool.name : "tool",
    input: sampleFromSchema(tool?.input_schema ?? { type: "object", properties: {} }, words),
  };
}

/** `POST /v1/messages`: a deterministic answer as a Message or as the Messages SSE event sequence. */
export function anthropicMessages(body: unknown): PlannedResponse {
  if (!isRecord(body))
    return anthropicError(400, "invalid_request_error", "Request body must be a JSON object");
  if (typeof body.model !== "string" || body.model.length === 0) {
    return anthropicError(400, "invalid_request_error", "model: Field required");
  }
  if (
    typeof body.max_tokens !== "number" ||
    !Number.isInteger(body.max_tokens) ||
    body.max_tokens < 1
  ) {
    return anthropicError(400, "invalid_request_error", "max_tokens: Field required");
  }
  const messages = plainMessages(body.messages);
  if (messages === undefined || messages.length === 0) {
    return anthropicError(
      400,
      "invalid_request_error",
      "messages: at least one message is required",
    );
  }
  if (messages.some((message) => message.role !== "user" && message.role !== "assistant")) {
    return anthropicError(
      400,
      "invalid_request_error",
      "messages: roles must be 'user' or 'assistant'; put system text in the top-level 'system' field",
    );
  }
  const system = contentText(body.system);
  const conversation =
    system.length > 0 ? [{ role: "system", text: system }, ...messages] : messages;
  const inputTokens = conversation.reduce(
    (sum, message) => sum + estimateTokens(message.text) + 3,
    1,
  );
  const { words, truncated } = limitWords(
    answerWords(conversationFingerprint(conversation)),
    body.max_tokens,
  );
  const toolUse = simulatedToolUse(body, words);
  const stopReason = toolUse ? "tool_use" : truncated ? "max_tokens" : "end_turn";
  const id = `msg_${randomIdentifier(24)}`;
  const model = body.model;

  if (body.stream !== true) {
    return {
      type: "json",
      status: 200,
      headers: {},
      body: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: toolUse
          ? [{ type: "tool_use", id: toolUse.id, name: toolUse.name, input: toolUse.input }]
          : [{ type: "text", text: words.join(" ") }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: words.length,
          service_tier: "standard",
        },
      },
    };
  }

  const events: PlannedEvent[] = [
    event("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
          service_tier: "standard",
        },
      },
    }),
    ...(toolUse
      ? [
          event("content_block_start", {
            index: 0,
            content_block: { type: "tool_use", id: toolUse.id, name: toolUse.name, input: {} },
          }),
          event("ping", {}),
          ...splitText(JSON.stringify(toolUse.input)).map((partial_json) =>
            event(
              "content_block_delta",
              { index: 0, delta: { type: "input_json_delta", partial_json } },
              true,
            ),
          ),
        ]
      : [
          event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
          event("ping", {}),
          ...textDeltas(words).map((text) =>
            event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }, true),
          ),
        ]),
    event("content_block_stop", { index: 0 }),
    event("message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: words.length },
    }),
    event("message_stop", {}),
  ];
  return { type: "stream", headers: {}, events };
}

/** The error body Anthropic sends with each injected status. */
export function anthropicStatusError(status: number): PlannedResponse {
  if (status === 429) {
    return anthropicError(
      429,
      "rate_limit_error",
      "Number of request tokens has exceeded your per-minute rate limit",
    );
  }
  if (status === 529) return anthropicError(529, "overloaded_error", "Overloaded");
  if (status >= 500) return anthropicError(status, "api_error", "Internal server error");
  return anthropicError(status, "invalid_request_error", `Simulated error ${status}`);
}

/** Anthropic's in-stream `error` event. */
export function anthropicStreamErrorEvent(): string {
  return sseEvent(
    JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    "error",
  );
}
