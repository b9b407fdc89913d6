import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerWords, randomIdentifier } from "./deterministic-text";
import { conversationFingerprint, isRecord, plainMessages } from "./conversation";
import { FaultController } from "./fault-controller";
import {
  anthropicError,
  anthropicMessages,
  anthropicStatusError,
  anthropicStreamErrorEvent,
} from "./anthropic-routes";
import {
  openaiChatCompletion,
  openaiEmbeddings,
  openaiError,
  openaiStatusError,
  openaiStreamErrorEvent,
} from "./openai-routes";
import { sseEvent, type PlannedResponse } from "./planned-response";
import type {
  Fault,
  ProviderName,
  ProviderSimulatorOptions,
  RecordedRequest,
  RetryAfterHint,
} from "./types";

export { FaultController } from "./fault-controller";
export type {
  Fault,
  ProviderName,
  ProviderSimulatorOptions,
  RecordedRequest,
  RetryAfterHint,
} from "./types";

/** A running simulator. */
export interface ProviderSimulator {
  /**
   * Base URL of the server.
   * @example "http://127.0.0.1:41234"
   */
  url: string;
  /** What to use as `OPENAI_BASE_URL` (ends with `/v1`). */
  openaiBaseUrl: string;
  /** What to use as `ANTHROPIC_BASE_URL` (no `/v1`; the client appends `/v1/messages`). */
  anthropicBaseUrl: string;
  /** What to use as `GEMINI_BASE_URL`: Gemini's OpenAI-compatible endpoint (OpenAI's wire). */
  geminiBaseUrl: string;
  /** Every request received, in arrival order (empty when `recordRequests` is false). Tests may clear it. */
  requests: RecordedRequest[];
  /** Fault injection per provider. */
  faults: FaultController;
  /** Changes the delay before every response's first byte. */
  setLatency(milliseconds: number): void;
  /** Stops listening, drops open (including hanging) connections and cancels pending delays. */
  close(): Promise<void>;
}

const loopbackHosts = new Set(["127.0.0.1", "::1", "localhost"]);

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterHeaders(hint: RetryAfterHint | undefined): Record<string, string> {
  if (hint === undefined) return {};
  if ("seconds" in hint) return { "retry-after": String(hint.seconds) };
  if ("milliseconds" in hint) return { "retry-after-ms": String(hint.milliseconds) };
  // HTTP-dates have one-second resolution: round up so the client never waits less than asked.
  return {
    "retry-after": new Date(
      Math.ceil((Date.now() + hint.httpDateInMs) / 1000) * 1000,
    ).toUTCString(),
  };
}

function isStreaming(body: unknown): boolean {
  return (
    typeof body === "object" && body !== null && (body as { stream?: unknown }).stream === true
  );
}

/**
 * Starts a loopback HTTP server that speaks OpenAI's Chat Completions and Embeddings API under
 * `/openai/v1/...` and Anthropic's Messages API under `/anthropic/v1/messages`, with deterministic
 * answers derived from the input, realistic usage numbers and scriptable faults.
 */
export async function startProviderSimulator(
  options: ProviderSimulatorOptions = {},
): Promise<ProviderSimulator> {
  const host = options.host ?? "127.0.0.1";
  if (!loopbackHosts.has(host)) {
    throw new Error(
      `startProviderSimulator: options.host must be a loopback address, got "${host}"`,
    );
  }
  const recordRequests = options.recordRequests ?? true;
  let latencyMs = options.latencyMs ?? 0;
  const faults = new FaultController();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const wait = (milliseconds: number): Promise<void> =>
    milliseconds <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, milliseconds);
          timers.add(timer);
        });

  function writePlan(
    response: ServerResponse,
    plan: PlannedResponse,
    provider: ProviderName,
    fault: Fault | undefined,
  ): void {
    const requestIdHeader = provider !== "anthropic" ? "x-request-id" : "request-id";
    const common = { [requestIdHeader]: `req_${randomIdentifier(20)}`, ...plan.headers };
    if (plan.type === "json") {
      const text = JSON.stringify(plan.body);
      if (fault?.kind === "sse-cut-after-first-chunk") {
        // Non-streaming analogue of a cut stream: half a body, then the connection drops.
        response.writeHead(200, {
          ...common,
          "content-type": "application/json",
          "content-length": String(text.length),
        });
        response.write(text.slice(0, Math.floor(text.length / 2)), () => response.destroy());
        return;
      }
      response.writeHead(plan.status, { ...common, "content-type": "application/json" });
      response.end(text);
      return;
    }
    response.writeHead(200, {
      ...common,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    if (fault?.kind === "sse-error-before-first-chunk") {
      response.end(
        provider !== "anthropic" ? openaiStreamErrorEvent() : anthropicStreamErrorEvent(),
      );
      return;
    }
    if (fault?.kind === "malformed-json") {
      const first = plan.events[0]?.text ?? "data: {}\n\n";
      response.end(`${first.slice(0, Math.floor(first.length / 2)).trimEnd()}\n\n`);
      return;
    }
    for (const event of plan.events) {
      response.write(event.text);
      if (fault?.kind === "sse-cut-after-first-chunk" && event.carriesContent) {
        // Let the chunk reach the client before the connection drops, as when a proxy dies mid-stream.
        response.write("", () => setTimeout(() => response.destroy(), 20));
        return;
      }
    }
    response.end();
  }

  function authenticate(
    provider: ProviderName,
    headers: IncomingMessage["headers"],
  ): PlannedResponse | undefined {
    if (provider !== "anthropic") {
      const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
      const expected = options.apiKeys?.[provider];
      if (!match || (expected !== undefined && match[1] !== expected)) {
        return openaiError(
          401,
          match
            ? "Incorrect API key provided."
            : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
          "invalid_request_error",
          "invalid_api_key",
        );
      }
      return undefined;
    }
    const key = headers["x-api-key"];
    const expected = options.apiKeys?.anthropic;
    if (
      typeof key !== "string" ||
      key.length === 0 ||
      (expected !== undefined && key !== expected)
    ) {
      return anthropicError(401, "authentication_error", "invalid x-api-key");
    }
    if (typeof headers["anthropic-version"] !== "string") {
      return anthropicError(400, "invalid_request_error", "anthropic-version: header is required");
    }
    return undefined;
  }

  function route(provider: ProviderName, path: string, body: unknown): PlannedResponse | undefined {
    if (provider !== "anthropic" && path === "/v1/chat/completions")
      return openaiChatCompletion(body);
    if (provider !== "anthropic" && path === "/v1/embeddings") return openaiEmbeddings(body);
    if (provider === "anthropic" && path === "/v1/messages") return anthropicMessages(body);
    return undefined;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://simulator");
    const rawBody = await readBody(request);
    if (url.pathname === "/" || url.pathname === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"status":"ok"}');
      return;
    }
    const prefix = /^\/(openai|anthropic|gemini)(\/.*)$/.exec(url.pathname);
    if (!prefix) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: { message: `Unknown path ${url.pathname}`, type: "invalid_request_error" },
        }),
      );
      return;
    }
    const provider = prefix[1] as ProviderName;
    // Gemini's OpenAI-compatible endpoint lives under /v1beta/openai; it speaks OpenAI's wire.
    const path = (prefix[2] ?? "/").replace(/^\/v1beta\/openai\//, "/v1/");
    const body = parseJson(rawBody);
    const record: RecordedRequest = {
      provider,
      path,
      method: request.method ?? "GET",
      headers: { ...request.headers },
      body,
      receivedAt: Date.now(),
    };
    if (recordRequests) requests.push(record);

    const notFound = (): PlannedResponse =>
      provider !== "anthropic"
        ? openaiError(404, `Invalid URL (${request.method} ${path})`, "invalid_request_error", null)
        : anthropicError(404, "not_found_error", `Not found: ${request.method} ${path}`);
    let planned: PlannedResponse | undefined =
      request.method === "POST" ? route(provider, path, body) : undefined;
    let fault: Fault | undefined;
    if (planned === undefined) planned = notFound();
    else {
      const authError = authenticate(provider, request.headers);
      if (authError) planned = authError;
      else if (body === undefined) {
        planned =
          provider !== "anthropic"
            ? openaiError(
                400,
                "We could not parse the JSON body of your request.",
                "invalid_request_error",
                null,
              )
            : anthropicError(
                400,
                "invalid_request_error",
                "There was an issue with the request body: it is not valid JSON",
              );
      } else {
        fault = faults.next(provider);
        if (fault) record.fault = fault.kind;
      }
    }

    if (fault?.kind === "reset") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "hang") return;
    await wait(latencyMs + (fault?.kind === "slow-first-byte" ? fault.delayMs : 0));
    if (response.destroyed || request.socket.destroyed) return;

    const streaming = isStreaming(body);
    if (fault?.kind === "status") {
      const errorPlan =
        fault.message !== undefined
          ? provider !== "anthropic"
            ? openaiError(fault.status, fault.message, "invalid_request_error", null)
            : anthropicError(fault.status, "invalid_request_error", fault.message)
          : provider !== "anthropic"
            ? openaiStatusError(fault.status)
            : anthropicStatusError(fault.status);
      writePlan(
        response,
        { ...errorPlan, headers: retryAfterHeaders(fault.retryAfter) },
        provider,
        undefined,
      );
      return;
    }
    if (fault?.kind === "endless-stream" && streaming && provider !== "anthropic") {
      // The first events as planned, then 16 KB content chunks every few milliseconds until the
      // client goes away: a stream a client that stops reading cannot take in.
      response.writeHead(200, { "content-type": "text/event-stream" });
      const events = planned.type === "stream" ? planned.events : [];
      const first = events.findIndex((event) => event.carriesContent);
      for (const event of events.slice(0, first + 1)) response.write(event.text);
      const chunk = sseEvent(
        JSON.stringify({
          id: "chatcmpl-endless",
          object: "chat.completion.chunk",
          created: Math.floor(Date.now() / 1000),
          model: isRecord(body) ? body.model : "model",
          choices: [{ index: 0, delta: { content: "x".repeat(16_384) }, finish_reason: null }],
        }),
      );
      const interval = setInterval(() => {
        if (response.destroyed || request.socket.destroyed) clearInterval(interval);
        else response.write(chunk);
      }, 2);
      response.on("close", () => clearInterval(interval));
      return;
    }
    if (fault?.kind === "oversize") {
      // A valid answer padded to `bytes`: a JSON body with a long text, or one long SSE event.
      const padding = "x".repeat(fault.bytes);
      if (streaming) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.end(`data: {"padding":"${padding}"}\n\n`);
      } else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ ...(planned.type === "json" ? (planned.body as object) : {}), padding }),
        );
      }
      return;
    }
    if (fault?.kind === "malformed-json" && planned.type === "json") {
      response.writeHead(200, { "content-type": "application/json" });
      const text = JSON.stringify(planned.body);
      response.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    if (fault?.kind === "sse-error-before-first-chunk" && !streaming) {
      // Non-streaming analogue: the provider's overloaded error.
      writePlan(
        response,
        provider !== "anthropic" ? openaiStatusError(503) : anthropicStatusError(529),
        provider,
        undefined,
      );
      return;
    }
    writePlan(response, planned, provider, fault);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            error: { message: `simulator failure: ${String(error)}`, type: "server_error" },
          }),
        );
      } else response.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${hostInUrl}:${address.port}`;

  return {
    url,
    openaiBaseUrl: `${url}/openai/v1`,
    anthropicBaseUrl: `${url}/anthropic`,
    geminiBaseUrl: `${url}/gemini/v1beta/openai`,
    requests,
    faults,
    setLatency(milliseconds: number) {
      latencyMs = milliseconds;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * The text the simulator answers to `messages` (OpenAI format, system messages included), when
 * no `max_tokens` cuts it: what a test expects back through the gateway from either provider.
 */
export function simulatedAnswer(messages: { role: string; content: unknown }[]): string {
  return answerWords(conversationFingerprint(plainMessages(messages) ?? [])).join(" ");
}
