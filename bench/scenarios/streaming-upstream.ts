import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback OpenAI-compatible server that streams as many content chunks as a request asks for. */
export interface StreamingUpstream {
  /**
   * What to use as `OPENAI_BASE_URL` (ends with `/v1`).
   * @example "http://127.0.0.1:41234/v1"
   */
  baseUrl: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The user message that asks the upstream for `chunks` content chunks (and makes each request unique). */
export function streamingPrompt(chunks: number, index: number): string {
  return `Stream ${chunks} chunks, please (request ${index}).`;
}

/** The content every content chunk carries: one token, as real streams send. */
export const streamedToken = " token";

// A chunk as OpenAI sends it today, members the gateway does not know included (`service_tier`,
// `obfuscation`, `usage: null` on every chunk once usage was asked for).
const chunkHead =
  '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1733000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_0ba0d124f1","choices":[{"index":0,"delta":';
const frame = (
  delta: string,
  finish: string,
  tail = ',"usage":null,"obfuscation":"Xy12"',
): string => `data: ${chunkHead}${delta},"logprobs":null,"finish_reason":${finish}}]${tail}}\n\n`;
const roleFrame = frame('{"role":"assistant","content":"","refusal":null}', "null");
const contentFrame = frame(`{"content":${JSON.stringify(streamedToken)}}`, "null");
const finishFrame = frame("{}", '"stop"');
const usageFrame = (chunks: number): string =>
  `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1733000000,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_0ba0d124f1","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":${chunks},"total_tokens":${20 + chunks}},"obfuscation":"Ab"}\n\n`;

/**
 * Starts the upstream. Each content chunk is its own `write`, and the server yields to its event
 * loop between chunks, so chunks arrive spread over time (as a model's tokens do) rather than as
 * one burst the proxy could read in a single piece.
 */
export async function startStreamingUpstream(): Promise<StreamingUpstream> {
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      const chunks = Number(/Stream (\d+) chunks/.exec(body)?.[1] ?? "10");
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
      });
      response.write(roleFrame);
      let sent = 0;
      const next = (): void => {
        if (response.destroyed) return;
        if (sent === chunks) {
          response.write(finishFrame);
          response.write(usageFrame(chunks));
          response.end("data: [DONE]\n\n");
          return;
        }
        sent += 1;
        response.write(contentFrame);
        setImmediate(next);
      };
      setImmediate(next);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
