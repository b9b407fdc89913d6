import { Agent, request } from "node:http";

/** One stream read to its end. */
export interface StreamTiming {
  /** HTTP status. */
  status: number;
  /** Milliseconds from sending the request to the first body byte. */
  ttfbMs: number;
  /**
   * Milliseconds from sending the request to the first byte of the first chunk with content (NaN
   * when `firstContent` never came): what a user waits for, and the gateway's commit point.
   */
  ttftMs: number;
  /** Milliseconds from sending the request to the end of the body. */
  totalMs: number;
  /** The whole body, as text. */
  body: string;
}

/**
 * A keep-alive client that times a stream's first byte and its end (the shared bench client only
 * hands back the whole body). Every target is driven by the same instance, so the comparison stays
 * fair.
 */
export class StreamingClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4 });

  /**
   * POSTs `body` (JSON) to `url` and reads the answer to its end.
   * @param firstContent the text that marks the first content chunk (for {@link StreamTiming.ttftMs}).
   */
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    firstContent: string,
    timeoutMs = 30_000,
  ): Promise<StreamTiming> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const started = performance.now();
      const outgoing = request(
        {
          method: "POST",
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            ...headers,
          },
          timeout: timeoutMs,
        },
        (response) => {
          let ttfbMs = Number.NaN;
          let ttftMs = Number.NaN;
          const parts: Buffer[] = [];
          // The end of the previous part, for a marker split across two parts.
          let tail = Buffer.alloc(0);
          response.on("data", (part: Buffer) => {
            const now = performance.now() - started;
            if (parts.length === 0) ttfbMs = now;
            if (Number.isNaN(ttftMs)) {
              const window = Buffer.concat([tail, part]);
              if (window.includes(firstContent)) ttftMs = now;
              else tail = window.subarray(Math.max(0, window.length - firstContent.length));
            }
            parts.push(part);
          });
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              ttfbMs,
              ttftMs,
              totalMs: performance.now() - started,
              body: Buffer.concat(parts).toString("utf8"),
            }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
