import type { ChatCompletionRequest } from "../openai-types.ts";

/** What a request's `response_format` asks for, normalised. */
export interface StructuredOutput {
  /** `json_object`: any JSON object; `json_schema`: JSON for the given schema. */
  kind: "json_object" | "json_schema";
  /** The JSON Schema (`response_format.json_schema.schema`); an open object for `json_object`. */
  schema: Record<string, unknown>;
  /** `response_format.json_schema.name`, made safe as a tool name. @default "json_answer" */
  name: string;
  /** `response_format.json_schema.description`. */
  description: string | undefined;
}

const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The structured output a request asks for through `response_format`, or undefined for text
 * (`{type: "text"}` or no `response_format`).
 */
export function structuredOutputOf(request: ChatCompletionRequest): StructuredOutput | undefined {
  const format = request.response_format;
  if (format === undefined || format === null) return undefined;
  if (format.type === "json_object") {
    return {
      kind: "json_object",
      schema: { type: "object" },
      name: "json_answer",
      description: undefined,
    };
  }
  if (format.type !== "json_schema") return undefined;
  const definition = (format.json_schema ?? {}) as {
    name?: unknown;
    description?: unknown;
    schema?: unknown;
  };
  const schema =
    typeof definition.schema === "object" && definition.schema !== null
      ? (definition.schema as Record<string, unknown>)
      : { type: "object" };
  const name =
    typeof definition.name === "string" && toolNamePattern.test(definition.name)
      ? definition.name
      : "json_answer";
  return {
    kind: "json_schema",
    schema,
    name,
    description: typeof definition.description === "string" ? definition.description : undefined,
  };
}

/** True when `text` is one JSON value (what a structured answer must be). */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
