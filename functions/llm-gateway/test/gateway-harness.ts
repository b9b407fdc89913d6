import type { ServerResponse } from "node:http";
import { MemoryStore } from "../../_shared/store/memory-store.ts";
import { createGatewayHandler } from "../app.ts";
import { loadGatewayConfig } from "../config.ts";
import { createRuntime, type GatewayRuntime } from "../runtime.ts";
import {
  startLoopbackServer,
  type LoopbackServer,
  type ReceivedRequest,
} from "./loopback-server.ts";

/** How the loopback provider answers the next calls: a queue per provider, then `ok`. */
export type Behaviour =
  | "ok"
  | "500"
  | "529"
  | "sse-error-first"
  | "sse-cut-after-first"
  | "sse-stall-after-first"
  | "no-usage"
  | "malformed";

/** The gateway's handler over a real runtime, with a loopback server speaking both providers' wire formats. */
export interface GatewayHarness {
  handle(request: Request): Promise<Response>;
  runtime: GatewayRuntime;
  provider: LoopbackServer;
  logLines: string[];
  queue: Record<"anthropic" | "openai", Behaviour[]>;
  /** Calls the provider server received per provider. */
  calls(provider: "anthropic" | "openai"): number;
  close(): Promise<void>;
}

function writeAnthropic(
  behaviour: Behaviour,
  received: ReceivedRequest,
  response: ServerResponse,
): void {
  const body = JSON.parse(received.body) as { model: string; stream?: boolean };
  if (behaviour === "500" || behaviour === "529") {
    response.writeHead(Number(behaviour), { "content-type": "application/json" });
    response.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    return;
  }
  if (behaviour === "malformed") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end("{not json");
    return;
  }
  if (!body.stream) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: body.model,
        content: [{ type: "text", text: "Hello from Anthropic" }],
        stop_reason: "end_turn",
        usage: { input_tokens: 10, output_tokens: 5 },
      }),
    );
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream" });
  const event = (name: string, data: unknown) =>
    response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  event("message_start", {
    type: "message_start",
    message: { id: "msg_2", model: body.model, usage: { input_tokens: 10, output_tokens: 1 } },
  });
  if (behaviour === "sse-error-first") {
    event("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    response.end();
    return;
  }
  event("content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  });
  event("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: "Hello" },
  });
  if (behaviour === "sse-stall-after-first") return;
  if (behaviour === "sse-cut-after-first") {
    // Let the first chunk reach the gateway before the connection drops.
    setTimeout(() => response.destroy(), 50);
    return;
  }
  event("content_block_delta", {
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", text: " there" },
  });
  event("content_block_stop", { type: "content_block_stop", index: 0 });
  event("message_delta", {
    type: "message_delta",
    delta: { stop_reason: "end_turn" },
    usage: { output_tokens: 5 },
  });
  event("message_stop", { type: "message_stop" });
  response.end();
}

function writeOpenAi(
  behaviour: Behaviour,
  received: ReceivedRequest,
  response: ServerResponse,
): void {
  const body = JSON.parse(received.body) as { model: string; stream?: boolean };
  if (behaviour === "500" || behaviour === "529") {
    response.writeHead(Number(behaviour), { "content-type": "application/json" });
    response.end('{"error":{"message":"boom","type":"server_error"}}');
    return;
  }
  if (received.url.endsWith("/embeddings")) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.5, 0.25] }],
        model: body.model,
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
    );
    return;
  }
  const base = { id: "chatcmpl-1", created: 1, model: body.model };
  if (!body.stream) {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        ...base,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "Hello from OpenAI" },
            finish_reason: "stop",
          },
        ],
        ...(behaviour === "no-usage"
          ? {}
          : { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } }),
      }),
    );
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream" });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    response.write(
      `data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices, ...extra })}\n\n`,
    );
  chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  chunk([{ index: 0, delta: { content: "Hello from OpenAI" }, finish_reason: null }]);
  chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
  chunk([], { usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
  response.end("data: [DONE]\n\n");
}

/** Starts the loopback provider and builds the gateway with `environment` on top of test defaults. */
export async function startGateway(
  environment: Record<string, string> = {},
): Promise<GatewayHarness> {
  const queue: GatewayHarness["queue"] = { anthropic: [], openai: [] };
  const counts = { anthropic: 0, openai: 0 };
  const provider = await startLoopbackServer((received, response) => {
    const which = received.url.startsWith("/v1/messages") ? "anthropic" : "openai";
    counts[which] += 1;
    const behaviour = queue[which].shift() ?? "ok";
    if (which === "anthropic") writeAnthropic(behaviour, received, response);
    else writeOpenAi(behaviour, received, response);
  });
  const config = await loadGatewayConfig({
    ANTHROPIC_API_KEY: "sk-ant-api03-secretsecretsecret",
    OPENAI_API_KEY: "sk-proj-secretsecretsecret",
    ANTHROPIC_BASE_URL: provider.url,
    OPENAI_BASE_URL: `${provider.url}/v1`,
    LLM_RETRY_BASE_MS: "1",
    LLM_MAX_RETRIES: "1",
    LOG_LEVEL: "debug",
    ...environment,
  });
  const logLines: string[] = [];
  const runtime = await createRuntime(config, {
    store: new MemoryStore(),
    writeLog: (line) => logLines.push(line),
  });
  return {
    handle: createGatewayHandler(runtime),
    runtime,
    provider,
    logLines,
    queue,
    calls: (which) => counts[which],
    close: () => provider.close(),
  };
}

/** A JSON POST to the gateway. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://gateway.test${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
