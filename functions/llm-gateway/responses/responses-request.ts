import { InvalidRequestError } from "../errors.ts";
import type { ChatCompletionRequest, ChatMessage, ContentPart, ToolCall } from "../openai-types.ts";

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): InvalidRequestError {
  return new InvalidRequestError(`Invalid "${param}": ${message}.`, "invalid_value", param);
}

/** Members of a Responses request the gateway cannot serve (it keeps no conversation state). */
const statefulMembers = ["previous_response_id", "conversation", "background", "prompt"];

function contentParts(content: unknown, param: string): string | ContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalid(param, "must be a string or a list of content parts");
  return content.map((part, index) => {
    if (!isRecord(part) || typeof part.type !== "string")
      throw invalid(`${param}.${index}`, "must be a content part with a type");
    if (part.type === "input_text" || part.type === "output_text" || part.type === "text")
      return { type: "text", text: String(part.text ?? "") };
    if (part.type === "input_image") {
      const url =
        typeof part.image_url === "string"
          ? part.image_url
          : isRecord(part.image_url)
            ? String(part.image_url.url ?? "")
            : "";
      return { type: "image_url", image_url: { url } };
    }
    throw invalid(`${param}.${index}.type`, `"${part.type}" is not supported by the gateway`);
  });
}

function textFormat(text: unknown): Json | undefined {
  if (!isRecord(text) || !isRecord(text.format)) return undefined;
  const format = text.format;
  if (format.type === "json_schema") {
    return {
      type: "json_schema",
      json_schema: {
        name: format.name ?? "json_answer",
        schema: format.schema,
        ...(format.description === undefined ? {} : { description: format.description }),
        ...(format.strict === undefined ? {} : { strict: format.strict }),
      },
    };
  }
  if (format.type === "json_object") return { type: "json_object" };
  return undefined;
}

/**
 * Translates a `POST /v1/responses` body to the chat request the pipeline serves: `instructions`
 * and system/developer items become system messages, `input_text`/`output_text` parts text,
 * `function_call` items assistant tool calls, `function_call_output` items tool messages,
 * `text.format` `response_format`, `max_output_tokens` `max_completion_tokens`, and flat
 * function tools OpenAI's nested ones.
 * @throws InvalidRequestError naming the member at fault.
 */
export function chatRequestOfResponses(body: unknown): ChatCompletionRequest {
  if (!isRecord(body))
    throw new InvalidRequestError("The request body must be a JSON object.", "invalid_value");
  if (typeof body.model !== "string" || body.model === "")
    throw invalid("model", "must be a model name or tier:NAME");
  for (const member of statefulMembers) {
    if (body[member] !== undefined && body[member] !== null)
      throw new InvalidRequestError(
        `"${member}" is not supported: the gateway keeps no conversation state; send the whole input.`,
        "unsupported_parameter",
        member,
      );
  }
  const messages: ChatMessage[] = [];
  if (typeof body.instructions === "string" && body.instructions !== "")
    messages.push({ role: "system", content: body.instructions });
  const input =
    typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  if (!Array.isArray(input) || input.length === 0)
    throw invalid("input", "must be a string or a non-empty list of items");
  input.forEach((item: unknown, index) => {
    const param = `input.${index}`;
    if (!isRecord(item)) throw invalid(param, "must be an item object");
    const type = item.type ?? "message";
    if (type === "message") {
      const role = item.role;
      if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer")
        throw invalid(`${param}.role`, "must be user, assistant, system or developer");
      messages.push({
        role,
        content: contentParts(item.content, `${param}.content`),
      } as ChatMessage);
    } else if (type === "function_call") {
      const call: ToolCall = {
        id: String(item.call_id ?? ""),
        type: "function",
        function: { name: String(item.name ?? ""), arguments: String(item.arguments ?? "") },
      };
      if (call.id === "" || call.function.name === "")
        throw invalid(param, "a function_call needs call_id and name");
      const last = messages[messages.length - 1];
      if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: "assistant", content: null, tool_calls: [call] });
    } else if (type === "function_call_output") {
      const output = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      if (typeof item.call_id !== "string" || item.call_id === "")
        throw invalid(`${param}.call_id`, "must name the function call");
      messages.push({ role: "tool", tool_call_id: item.call_id, content: output });
    } else if (type === "reasoning") {
      // Reasoning items of an earlier answer carry nothing another provider could use.
    } else {
      throw invalid(`${param}.type`, `"${String(type)}" is not supported by the gateway`);
    }
  });
  const chat: ChatCompletionRequest = { model: body.model, messages };
  if (typeof body.temperature === "number") chat.temperature = body.temperature;
  if (typeof body.top_p === "number") chat.top_p = body.top_p;
  if (typeof body.max_output_tokens === "number")
    chat.max_completion_tokens = body.max_output_tokens;
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  if (typeof body.user === "string") chat.user = body.user;
  if (typeof body.parallel_tool_calls === "boolean")
    chat.parallel_tool_calls = body.parallel_tool_calls;
  const format = textFormat(body.text);
  if (format) chat.response_format = format;
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    chat.tools = body.tools.map((tool: unknown, index) => {
      if (!isRecord(tool) || tool.type !== "function" || typeof tool.name !== "string")
        throw invalid(
          `tools.${index}`,
          'only function tools ({type: "function", name}) are supported',
        );
      return {
        type: "function" as const,
        function: {
          name: tool.name,
          ...(typeof tool.description === "string" ? { description: tool.description } : {}),
          ...(isRecord(tool.parameters) ? { parameters: tool.parameters } : {}),
        },
      };
    });
  }
  const choice = body.tool_choice;
  if (choice === "auto" || choice === "none" || choice === "required") chat.tool_choice = choice;
  else if (isRecord(choice) && choice.type === "function" && typeof choice.name === "string")
    chat.tool_choice = { type: "function", function: { name: choice.name } };
  return chat;
}
