import * as z from "zod";
import { InvalidRequestError } from "../errors.ts";
import type { ChatCompletionRequest, EmbeddingRequest } from "../openai-types.ts";

/**
 * Builds the schemas once, on first use: constructing them costs ~20 ms under Deno, which a cold
 * start to the first `/health` answer should not pay; requests never construct them again.
 */
function buildSchemas() {
  const contentPartSchema = z.looseObject({ type: z.string().min(1) });

  const toolCallSchema = z.looseObject({
    id: z.string().min(1),
    type: z.literal("function"),
    function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
  });

  const messageSchema = z.discriminatedUnion("role", [
    z.looseObject({
      role: z.enum(["system", "developer"]),
      content: z.union([z.string(), z.array(contentPartSchema)]),
    }),
    z.looseObject({
      role: z.literal("user"),
      content: z.union([z.string(), z.array(contentPartSchema).min(1)]),
      name: z.string().optional(),
    }),
    z.looseObject({
      role: z.literal("assistant"),
      content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
      tool_calls: z.array(toolCallSchema).optional(),
    }),
    z.looseObject({
      role: z.literal("tool"),
      content: z.union([z.string(), z.array(contentPartSchema)]),
      tool_call_id: z.string().min(1),
    }),
  ]);

  const chatSchema = z
    .looseObject({
      model: z.string().min(1),
      messages: z.array(messageSchema).min(1),
      temperature: z.number().min(0).max(2).optional(),
      top_p: z.number().min(0).max(1).optional(),
      max_tokens: z.number().int().positive().optional(),
      max_completion_tokens: z.number().int().positive().optional(),
      stop: z
        .union([z.string(), z.array(z.string()).max(4)])
        .nullable()
        .optional(),
      n: z.number().int().min(1).max(128).optional(),
      seed: z.number().int().optional(),
      stream: z.boolean().nullable().optional(),
      stream_options: z
        .strictObject({ include_usage: z.boolean().optional() })
        .nullable()
        .optional(),
      tools: z
        .array(
          z.looseObject({
            type: z.literal("function"),
            function: z.looseObject({
              name: z.string().min(1),
              description: z.string().optional(),
            }),
          }),
        )
        .optional(),
      tool_choice: z
        .union([
          z.enum(["none", "auto", "required"]),
          z.looseObject({
            type: z.literal("function"),
            function: z.object({ name: z.string().min(1) }),
          }),
        ])
        .optional(),
      response_format: z.looseObject({ type: z.string().min(1) }).optional(),
      user: z.string().max(256).optional(),
    })
    .refine(
      (body) =>
        body.stream === true || body.stream_options === undefined || body.stream_options === null,
      {
        message: "stream_options is only allowed when stream is true",
        path: ["stream_options"],
      },
    );

  const embeddingSchema = z.strictObject({
    model: z.string().min(1),
    input: z.union([
      z.string().min(1),
      z.array(z.string().min(1)).min(1).max(2048),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1).max(2048),
    ]),
    dimensions: z.number().int().positive().optional(),
    encoding_format: z.enum(["float", "base64"]).optional(),
    user: z.string().max(256).optional(),
  });
  return { chatSchema, embeddingSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;

function getSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas();
  return schemas;
}

/**
 * The zod schemas requests are validated with, for tools that describe the API from them
 * (scripts/openapi/ renders docs/openapi.yaml); requests go through the parse functions below.
 */
export function requestSchemas(): ReturnType<typeof buildSchemas> {
  return getSchemas();
}

function toInvalidRequest(error: z.ZodError): InvalidRequestError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const message = issue?.message ?? "invalid request body";
  return new InvalidRequestError(
    path ? `Invalid "${path}": ${message}.` : `Invalid request body: ${message}.`,
    "invalid_value",
    path || undefined,
  );
}

function ensureObject(body: unknown): void {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidRequestError("The request body must be a JSON object.", "invalid_value");
  }
}

/** Validates a chat completion body. @throws InvalidRequestError naming the field path. */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  ensureObject(body);
  const result = getSchemas().chatSchema.safeParse(body);
  if (!result.success) throw toInvalidRequest(result.error);
  return result.data as ChatCompletionRequest;
}

/** Validates an embeddings body. @throws InvalidRequestError naming the field path. */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  ensureObject(body);
  const result = getSchemas().embeddingSchema.safeParse(body);
  if (!result.success) throw toInvalidRequest(result.error);
  return result.data as EmbeddingRequest;
}

/** Builds and exercises the schemas ahead of the first request (called once the server listens). */
export function warmUpValidation(): void {
  parseChatRequest({ model: "warm-up", messages: [{ role: "user", content: "warm-up" }] });
  parseEmbeddingRequest({ model: "warm-up", input: "warm-up" });
}
