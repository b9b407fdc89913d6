import { Agent, request } from "node:http";

/** A finished HTTP exchange, body read to the end. */
export interface HttpResult {
  /** Status code. */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as text (for SSE, every event). */
  body: string;
}

/**
 * A minimal keep-alive JSON client on node:http. Benchmarks use it rather than `fetch` because its
 * own cost per request is smaller and steadier, and the same client drives every target, so the
 * comparison stays fair.
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(maxSockets = 32) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** POSTs `body` (JSON) to `url` and reads the whole answer. Rejects on network errors or timeout. */
  post(
    url: string,
    body: string,
    headers: Record<string, string> = {},
    timeoutMs = 5000,
  ): Promise<HttpResult> {
    return this.send("POST", url, body, headers, timeoutMs);
  }

  /** GETs `url`. */
  get(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<HttpResult> {
    return this.send("GET", url, undefined, headers, timeoutMs);
  }

  private send(
    method: string,
    url: string,
    body: string | undefined,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const outgoing = request(
        {
          method,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          agent: this.agent,
          headers: {
            ...(body === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
            ...headers,
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("timeout", () =>
        outgoing.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)),
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
