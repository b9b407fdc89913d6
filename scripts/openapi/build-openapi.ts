// The gateway's HTTP API as an OpenAPI 3.1 document, built from the zod schemas the gateway
// validates requests with (functions/llm-gateway/request/request-schema.ts), so the document
// cannot describe a request body the gateway would refuse, or miss a member it accepts.
import * as z from "zod";
import { requestSchemas } from "../../functions/llm-gateway/request/request-schema.ts";

type JsonObject = Record<string, unknown>;

/** A zod schema as a JSON Schema 2020-12 object for `components.schemas` (no `$schema` member). */
function componentSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonObject;
  return rest;
}

const errorSchema: JsonObject = {
  type: "object",
  description: "The OpenAI error shape every failure uses.",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["message", "type", "code"],
      properties: {
        message: { type: "string" },
        type: { type: "string" },
        code: { type: "string" },
        param: { type: ["string", "null"] },
      },
    },
  },
};

const responsesRequestSchema: JsonObject = {
  type: "object",
  description:
    "OpenAI Responses API request. Translated to a chat completion request and then validated like one: see ChatCompletionRequest for the members that reach a provider.",
  required: ["model", "input"],
  properties: {
    model: { type: "string", minLength: 1 },
    input: { anyOf: [{ type: "string" }, { type: "array", items: { type: "object" } }] },
    instructions: { type: "string" },
    stream: { type: "boolean" },
    tools: { type: "array", items: { type: "object" } },
    text: { type: "object" },
    temperature: { type: "number" },
    max_output_tokens: { type: "integer" },
  },
  additionalProperties: {},
};

const answerHeaders: JsonObject = {
  "x-request-id": {
    schema: { type: "string" },
    description: "The request's id, in every log line.",
  },
  "x-llm-provider": { schema: { type: "string" }, description: "The provider that answered." },
  "x-llm-model": { schema: { type: "string" }, description: "The concrete model that answered." },
  "x-llm-cache": {
    schema: { type: "string" },
    description: "What the cache did (hit, miss, bypass, ...).",
  },
};

function errors(...statuses: number[]): JsonObject {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: `Error (${status})`,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}

function answer(description: string, streams: boolean): JsonObject {
  return {
    description,
    headers: answerHeaders,
    content: {
      "application/json": { schema: { type: "object" } },
      ...(streams ? { "text/event-stream": { schema: { type: "string" } } } : {}),
    },
  };
}

/** The JSON body of an answer, as a free-form object. */
function jsonAnswer(description: string): JsonObject {
  return { description, content: { "application/json": { schema: { type: "object" } } } };
}

/** `POST /v1/jobs` and `GET /v1/jobs/{id}` (docs/jobs.md). */
function jobPaths(): JsonObject {
  const accepted = {
    description: "The job: {id, status, status_url}",
    content: { "application/json": { schema: { $ref: "#/components/schemas/JobAccepted" } } },
  };
  return {
    "/v1/jobs": {
      post: {
        summary: "Submit an asynchronous job (one chat request, or ordered steps)",
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            schema: { type: "string", maxLength: 255 },
            description:
              "Repeating it with the same job returns that job; wins over idempotency_key.",
          },
        ],
        requestBody: {
          required: true,
          content: { "application/json": { schema: { type: "object" } } },
        },
        responses: {
          "202": accepted,
          "200": { ...accepted, description: "The existing job of a repeated idempotency key" },
          ...errors(400, 401, 409, 413, 429, 503),
        },
      },
    },
    "/v1/jobs/{id}": {
      get: {
        summary: "A job's status, steps and result",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": jsonAnswer("The job view (docs/jobs.md)"),
          ...errors(401, 404, 429, 503),
        },
      },
    },
  };
}

function postOperation(summary: string, schemaName: string, streams: boolean): JsonObject {
  return {
    post: {
      summary,
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: `#/components/schemas/${schemaName}` } } },
      },
      responses: {
        "200": answer(
          streams
            ? "The answer, as JSON or, with stream: true, as server-sent events"
            : "The answer",
          streams,
        ),
        ...errors(400, 401, 408, 413, 429, 502, 504),
      },
    },
  };
}

/** The whole document, ready to serialize. */
export function buildOpenApiDocument(version: string): JsonObject {
  const { chatSchema, embeddingSchema } = requestSchemas();
  return {
    openapi: "3.1.0",
    info: {
      title: "LLM gateway",
      version,
      description:
        "OpenAI-compatible gateway with provider fallback, circuit breakers, caches and a daily spend cap. Generated by `npm run openapi` from the gateway's request schemas; docs/gateway.md explains the behaviour.",
    },
    servers: [
      { url: "http://127.0.0.1:8787", description: "npm start" },
      {
        url: "https://{projectRef}.supabase.co/functions/v1/llm-gateway",
        variables: { projectRef: { default: "abcdefghijklmnopqrst" } },
      },
    ],
    security: [{ bearer: [] }],
    paths: {
      "/v1/chat/completions": postOperation("Chat completion", "ChatCompletionRequest", true),
      "/v1/embeddings": postOperation("Embeddings", "EmbeddingRequest", false),
      "/v1/responses": postOperation("Responses API", "ResponsesRequest", true),
      ...jobPaths(),
      "/v1/models": {
        get: {
          summary: "Tiers and concrete models",
          responses: {
            "200": {
              description: "OpenAI model list",
              content: { "application/json": { schema: { type: "object" } } },
            },
            ...errors(401),
          },
        },
      },
      "/health": {
        get: {
          summary: "Liveness and degradation",
          security: [],
          responses: {
            "200": {
              description: "Healthy",
              content: { "application/json": { schema: { type: "object" } } },
            },
          },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: {
            "200": {
              description: "Prometheus text format",
              content: { "text/plain": { schema: { type: "string" } } },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "One of GATEWAY_API_KEYS" },
      },
      schemas: {
        ChatCompletionRequest: componentSchema(chatSchema),
        EmbeddingRequest: componentSchema(embeddingSchema),
        ResponsesRequest: responsesRequestSchema,
        Error: errorSchema,
        JobAccepted: {
          type: "object",
          required: ["id", "status", "status_url"],
          properties: {
            id: { type: "string", format: "uuid" },
            status: { type: "string" },
            status_url: { type: "string", description: "/v1/jobs/{id}" },
          },
        },
      },
    },
  };
}
