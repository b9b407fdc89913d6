import {
  answerWords,
  estimateTokens,
  limitWords,
  randomIdentifier,
  textDeltas,
} from "./deterministic-text";
import { contentText, conversationFingerprint, isRecord, plainMessages } from "./conversation";
import type { PlannedEvent, PlannedResponse } from "./planned-response";
import { sseEvent } from "./planned-response";

/** Anthropic's error body. */
export function anthropicError(status: number, type: string, message: string): PlannedResponse {
  return { type: "json", status, headers: {}, body: { type: "error", error: { type, message } } };
}

function event(name: string, data: Record<string, unknown>, carriesContent = false): PlannedEvent {
  return { text: sseEvent(JSON.stringify({ type: name, ...data }), name), carriesContent };
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
  const stopReason = truncated ? "max_tokens" : "end_turn";
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
        content: [{ type: "text", text: words.join(" ") }],
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
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    event("ping", {}),
    ...textDeltas(words).map((text) =>
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }, true),
    ),
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
