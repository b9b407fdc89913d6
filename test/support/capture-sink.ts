import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** One HTTP request a sink received. */
export interface CapturedRequest {
  /** Request path, e.g. `/i/v0/e/` or `/v1/traces`. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (gunzipped when sent with `content-encoding: gzip`). */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** A loopback HTTP server that records every request and answers 200 `{}`. */
export interface CaptureSink {
  /**
   * Base URL, e.g. for `POSTHOG_HOST` or `OTEL_EXPORTER_OTLP_ENDPOINT`.
   * @example "http://127.0.0.1:41234"
   */
  url: string;
  /** Every request received, in order. Tests may clear it. */
  requests: CapturedRequest[];
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a sink standing in for PostHog's capture API (`POST /i/v0/e/`, `/batch/`, `/capture/`) or
 * an OTLP/HTTP JSON collector (`POST /v1/traces`): both only need a 200 and the recorded payload.
 */
export async function startCaptureSink(): Promise<CaptureSink> {
  const requests: CapturedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let bytes: Buffer = Buffer.concat(chunks);
      if (request.headers["content-encoding"] === "gzip") bytes = gunzipSync(bytes);
      const text = bytes.toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      requests.push({ path: request.url ?? "/", headers: { ...request.headers }, text, json });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
