import type {
  ChatCompletion,
  ChatCompletionRequest,
  ChatMessage,
  ContentPart,
  ToolCall,
  Usage,
} from "../openai-types.ts";
import { structuredOutputOf } from "../request/structured-output.ts";

/** An Anthropic Messages API content block (the members the gateway uses). */
export interface AnthropicContentBlock {
  /** "text", "tool_use", "tool_result", "image", "thinking", ... */
  type: string;
  /** Text blocks. */
  text?: string;
  /** tool_use blocks. */
  id?: string;
  /** tool_use blocks. */
  name?: string;
  /** tool_use blocks. */
  input?: unknown;
  /** tool_result blocks. */
  tool_use_id?: string;
  /** tool_result blocks. */
  content?: string | AnthropicContentBlock[];
  /** image blocks. */
  source?: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
}

/** An Anthropic message. */
export interface AnthropicMessage {
  /** Anthropic has only these two roles; system text goes to the top-level `system`. */
  role: "user" | "assistant";
  /** Blocks (strings are normalised to a text block). */
  content: AnthropicContentBlock[];
}

/** The `POST /v1/messages` body. */
export interface AnthropicRequest {
  /** Anthropic model id. */
  model: string;
  /** Alternating user/assistant turns. */
  messages: AnthropicMessage[];
  /** Output limit; required by Anthropic. */
  max_tokens: number;
  /** System and developer messages, joined. */
  system?: string;
  /** 0-1 (OpenAI's 0-2 is clamped). */
  temperature?: number;
  /** Nucleus sampling. */
  top_p?: number;
  /** OpenAI's `stop`. */
  stop_sequences?: string[];
  /** SSE streaming. */
  stream?: boolean;
  /** OpenAI function tools. */
  tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
  /** OpenAI's `tool_choice` (and `parallel_tool_calls: false` as `disable_parallel_tool_use`). */
  tool_choice?: ({ type: "auto" | "any" | "none" } | { type: "tool"; name: string }) & {
    disable_parallel_tool_use?: boolean;
  };
  /** OpenAI's `user`, as `metadata.user_id`. */
  metadata?: { user_id: string };
}

/**
 * The tool a request's `response_format` becomes on Anthropic: the model is forced to call it, and
 * its input (JSON for the schema) is the answer's content.
 */
export interface StructuredOutputTool {
  /** The tool's name. */
  name: string;
  /** The schema was not an object (tool inputs are): the answer is the input's `value` member. */
  wrapped: boolean;
}

/** The Messages request and, when `response_format` asked for JSON, the tool that carries it. */
export interface AnthropicTranslation {
  /** The body to POST. */
  body: AnthropicRequest;
  /** Set when `response_format` became a forced tool. */
  structuredTool: StructuredOutputTool | undefined;
}

/**
 * Chat request members Anthropic has no equivalent for, reported (or refused when the client asks
 * for strictness) when a request sets them to something other than their neutral value.
 */
export function unsupportedOnAnthropic(request: ChatCompletionRequest): string[] {
  const unsupported: string[] = [];
  const set = (value: unknown): boolean =>
    value !== undefined && value !== null && value !== false && value !== 0;
  for (const name of [
    "seed",
    "logprobs",
    "top_logprobs",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "prediction",
    "audio",
    "modalities",
    "reasoning_effort",
    "web_search_options",
  ]) {
    if (set(request[name])) unsupported.push(name);
  }
  return unsupported;
}

/** Anthropic's usage object. */
export interface AnthropicUsage {
  /** Uncached input tokens. */
  input_tokens?: number;
  /** Output tokens (cumulative in `message_delta`). */
  output_tokens?: number;
  /** Input tokens written to the prompt cache. */
  cache_creation_input_tokens?: number | null;
  /** Input tokens read from the prompt cache. */
  cache_read_input_tokens?: number | null;
}

/** A non-streamed `message` response. */
export interface AnthropicResponse {
  /** Message id (`msg_...`). */
  id: string;
  /** Always "message". */
  type: "message";
  /** Always "assistant". */
  role: "assistant";
  /** The model that answered. */
  model: string;
  /** Text and tool_use blocks. */
  content: AnthropicContentBlock[];
  /** Why generation stopped. */
  stop_reason: string | null;
  /** The stop sequence that matched, if any. */
  stop_sequence?: string | null;
  /** Token usage. */
  usage: AnthropicUsage;
}

function textOf(content: string | ContentPart[] | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .filter((part) => part.type === "text")
    .map((part) => part.text ?? "")
    .join("");
}

function imageBlock(url: string): AnthropicContentBlock {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match)
    return {
      type: "image",
      source: { type: "base64", media_type: match[1] as string, data: match[2] as string },
    };
  return { type: "image", source: { type: "url", url } };
}

function blocksOf(content: string | ContentPart[] | null | undefined): AnthropicContentBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  const blocks: AnthropicContentBlock[] = [];
  for (const part of content) {
    if (part.type === "text") blocks.push({ type: "text", text: part.text ?? "" });
    else if (part.type === "image_url" && part.image_url)
      blocks.push(imageBlock(part.image_url.url));
  }
  return blocks;
}

function parseArguments(text: string): unknown {
  // The request schema refused invalid argument JSON already; "" is a call without arguments.
  return text.trim() === "" ? {} : JSON.parse(text);
}

function append(
  messages: AnthropicMessage[],
  role: "user" | "assistant",
  blocks: AnthropicContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  // Anthropic wants alternating turns: consecutive same-role messages (e.g. several tool results) merge.
  if (last && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function toolChoice(choice: ChatCompletionRequest["tool_choice"]): AnthropicRequest["tool_choice"] {
  if (choice === undefined) return undefined;
  if (choice === "auto") return { type: "auto" };
  if (choice === "required") return { type: "any" };
  if (choice === "none") return { type: "none" };
  if (typeof choice === "object") return { type: "tool", name: choice.function.name };
  return undefined;
}

/**
 * Translates an OpenAI chat request to an Anthropic Messages request: system/developer messages
 * become `system`, tool calls and results become tool_use/tool_result blocks, `stop` becomes
 * `stop_sequences`, temperature is clamped to Anthropic's 0-1, and `max_tokens` (required by
 * Anthropic) defaults to `defaultMaxTokens`.
 */
export function toAnthropicRequest(
  request: ChatCompletionRequest,
  model: string,
  defaultMaxTokens: number,
  stream: boolean,
): AnthropicRequest {
  return translateToAnthropic(request, model, defaultMaxTokens, stream).body;
}

/**
 * {@link toAnthropicRequest}, plus `response_format` as a forced tool whose input schema is the
 * requested one (`json_object`: any object), `user` as `metadata.user_id` and
 * `parallel_tool_calls: false` as `disable_parallel_tool_use`.
 */
export function translateToAnthropic(
  request: ChatCompletionRequest,
  model: string,
  defaultMaxTokens: number,
  stream: boolean,
): AnthropicTranslation {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages as ChatMessage[]) {
    switch (message.role) {
      case "system":
      case "developer":
        system.push(textOf(message.content));
        break;
      case "user":
        append(messages, "user", blocksOf(message.content));
        break;
      case "assistant": {
        const blocks = blocksOf(message.content);
        for (const call of message.tool_calls ?? []) {
          blocks.push({
            type: "tool_use",
            id: call.id,
            name: call.function.name,
            input: parseArguments(call.function.arguments),
          });
        }
        append(messages, "assistant", blocks);
        break;
      }
      case "tool":
        append(messages, "user", [
          {
            type: "tool_result",
            tool_use_id: message.tool_call_id ?? "",
            content: textOf(message.content),
          },
        ]);
        break;
    }
  }
  const body: AnthropicRequest = {
    model,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens,
  };
  if (system.length > 0) body.system = system.join("\n\n");
  if (request.temperature !== undefined) body.temperature = Math.min(request.temperature, 1);
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop !== undefined && request.stop !== null) {
    body.stop_sequences = typeof request.stop === "string" ? [request.stop] : request.stop;
  }
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description === undefined
        ? {}
        : { description: tool.function.description }),
      input_schema: tool.function.parameters ?? { type: "object", properties: {} },
    }));
  }
  let choice = toolChoice(request.tool_choice);
  let structuredTool: StructuredOutputTool | undefined;
  const structured = structuredOutputOf(request);
  if (structured) {
    const wrapped = structured.schema.type !== "object";
    structuredTool = { name: structured.name, wrapped };
    const userTools = choice?.type === "none" ? [] : (body.tools ?? []);
    body.tools = [
      ...userTools,
      {
        name: structured.name,
        description:
          structured.description ??
          "Give your final answer by calling this tool with JSON that matches its input schema.",
        input_schema: wrapped
          ? { type: "object", properties: { value: structured.schema }, required: ["value"] }
          : structured.schema,
      },
    ];
    // With the client's own tools the model may still call one of them; otherwise it must answer
    // through the schema tool.
    choice =
      userTools.length > 0 && choice?.type !== "tool"
        ? { type: "any" }
        : userTools.length > 0 && choice
          ? choice
          : { type: "tool", name: structured.name };
  }
  if (request.parallel_tool_calls === false && body.tools !== undefined) {
    choice = { ...(choice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  if (choice) body.tool_choice = choice;
  if (typeof request.user === "string" && request.user !== "") {
    body.metadata = { user_id: request.user };
  }
  if (stream) body.stream = true;
  return { body, structuredTool };
}

/** Anthropic `stop_reason` to OpenAI `finish_reason`. */
export function finishReasonOf(stopReason: string | null | undefined): string | null {
  switch (stopReason) {
    case null:
    case undefined:
      return null;
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Anthropic usage to OpenAI usage; cache reads and writes are input tokens too. */
export function usageOf(usage: AnthropicUsage): Usage {
  const prompt =
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Translates a non-streamed Anthropic message to an OpenAI `chat.completion`. */
export function fromAnthropicResponse(
  response: AnthropicResponse,
  created: number = Math.floor(Date.now() / 1000),
  structuredTool?: StructuredOutputTool,
): ChatCompletion {
  let text = "";
  let structuredText: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    if (block.type === "text") text += block.text ?? "";
    else if (block.type === "tool_use" && block.name === structuredTool?.name) {
      const input = (block.input ?? {}) as Record<string, unknown>;
      structuredText = JSON.stringify(structuredTool?.wrapped ? input.value : input);
    } else if (block.type === "tool_use") {
      toolCalls.push({
        id: block.id ?? "",
        type: "function",
        function: { name: block.name ?? "", arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    id: response.id,
    object: "chat.completion",
    created,
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          // The schema tool's input is the answer; text around it is the model thinking aloud.
          content: structuredText ?? (toolCalls.length > 0 && text === "" ? null : text),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason:
          structuredText !== undefined && toolCalls.length === 0
            ? "stop"
            : finishReasonOf(response.stop_reason),
      },
    ],
    usage: usageOf(response.usage),
  };
}

/** Anthropic error `type` (HTTP body or SSE `error` event) to the HTTP status it stands for. */
export function statusOfAnthropicError(type: string | undefined): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "request_too_large":
      return 413;
    case "rate_limit_error":
      return 429;
    case "overloaded_error":
      return 529;
    default:
      return 500;
  }
}
