// A loopback HTTP server for the job tests: it stands in for the gateway's chat endpoint and for a
// webhook receiver, records every request with its body, and answers through a script the test
// changes between cases.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer: a status and a JSON body, or `"hang"` (never answer until closed). */
export type ScriptedAnswer = { status: number; body: unknown } | "hang";

/** A running loopback server. */
export interface LoopbackHttp {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request, in order. */
  received: ReceivedRequest[];
  /** Sets how the next requests are answered. */
  answer(script: (request: ReceivedRequest) => ScriptedAnswer): void;
  /** Forgets the received requests. */
  reset(): void;
  /** Stops the server (hanging requests are dropped). */
  close(): Promise<void>;
}

/** A chat completion whose message content is `content`, as the gateway answers. */
export function chatCompletion(content: string): Record<string, unknown> {
  return {
    id: "chatcmpl-loopback",
    object: "chat.completion",
    created: 1_752_573_600,
    model: "gpt-4o-mini",
    choices: [
      { index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startLoopbackHttp(): Promise<LoopbackHttp> {
  const received: ReceivedRequest[] = [];
  let script: (request: ReceivedRequest) => ScriptedAnswer = () => ({ status: 200, body: {} });
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      const answer = script(entry);
      if (answer === "hang") return;
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(next) {
      script = next;
    },
    reset() {
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
