import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** One request the page sent to the capture server, body decoded. */
export interface RecordedRequest {
  method: string;
  /** Path and query string, as sent. */
  url: string;
  /** The decoded body (JSON text after gzip/base64 decoding), "" when there was none. */
  body: string;
}

/** One event of a capture request, as PostHog's ingestion would read it. */
export interface CapturedEvent {
  event: string;
  properties: Record<string, unknown>;
  [key: string]: unknown;
}

/** A loopback server that plays the app's host (page + script) and PostHog's ingestion API. */
export interface CaptureServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  /** What `GET /analytics.js` answers; set it once the bundle knows this server's port. */
  script: string;
  /** Every request except the page and its script, in arrival order. */
  requests: RecordedRequest[];
  /** The events of every capture request, in arrival order. */
  events(): CapturedEvent[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/**
 * Decodes a posthog-js request body the way PostHog's capture endpoint does: gzip (`gzip-js`),
 * a form field `data` holding base64 (`base64`), or plain JSON.
 */
export function decodeBody(raw: Buffer): string {
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) return gunzipSync(raw).toString();
  const text = raw.toString();
  if (text.startsWith("data=")) {
    const data = new URLSearchParams(text).get("data") ?? "";
    return data.trimStart().startsWith("{") || data.trimStart().startsWith("[")
      ? data
      : Buffer.from(data, "base64").toString();
  }
  return text;
}

function eventsOf(body: string): CapturedEvent[] {
  if (body === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const list = Array.isArray(parsed)
    ? parsed
    : typeof parsed === "object" && parsed !== null && "batch" in parsed
      ? (parsed as { batch: unknown[] }).batch
      : [parsed];
  return list.filter(
    (item): item is CapturedEvent =>
      typeof item === "object" && item !== null && "event" in item && "properties" in item,
  );
}

/**
 * Starts the server on 127.0.0.1. `GET /app/...` answers `page` (any path, so the test can put
 * personal data in it), `GET /analytics.js` answers {@link CaptureServer.script}; everything else
 * but the browser's own `/favicon.ico` is recorded and answered the way PostHog answers a capture (`{"status":1}`).
 */
export async function startCaptureServer(page: string): Promise<CaptureServer> {
  const requests: RecordedRequest[] = [];
  // eslint-disable-next-line prefer-const -- assigned once the server object exists
  let capture: CaptureServer;
  const server: Server = createServer((request, response) => {
    const url = request.url ?? "/";
    if (request.method === "GET" && url.startsWith("/app/")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
      return;
    }
    if (request.method === "GET" && url === "/analytics.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(capture.script);
      return;
    }
    if (url === "/favicon.ico") {
      response.writeHead(404).end();
      return;
    }
    readBody(request).then(
      (raw) => {
        requests.push({ method: request.method ?? "GET", url, body: decodeBody(raw) });
        response.writeHead(200, { "content-type": "application/json" }).end('{"status":1}');
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  capture = {
    origin: `http://127.0.0.1:${port}`,
    script: "",
    requests,
    events: () => requests.flatMap((request) => eventsOf(request.body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return capture;
}
