import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";

/** An Upstash-REST-protocol server on loopback in front of a real redis-server. */
export interface UpstashRestServer {
  /**
   * Base URL for `UPSTASH_REDIS_REST_URL`.
   * @example "http://127.0.0.1:41234"
   */
  url: string;
  /** The bearer token it requires, for `UPSTASH_REDIS_REST_TOKEN`. */
  token: string;
  /** How many HTTP requests it has answered (single commands, pipelines and transactions). */
  requestCount(): number;
  /** Stops the HTTP server and disconnects from Redis. */
  close(): Promise<void>;
}

/** Options of {@link startUpstashRestServer}. */
export interface UpstashRestServerOptions {
  /** The Redis server to forward commands to. */
  redisUrl: string;
  /**
   * Bearer token to require.
   * @default "upstash-test-token"
   */
  token?: string;
}

type RedisReply = string | number | null | RedisReply[] | Buffer | Record<string, unknown>;

/**
 * Upstash's base64 response encoding (request header `Upstash-Encoding: base64`): bulk strings are
 * base64, except the `OK` status reply, which @upstash/redis expects verbatim; integers and nulls
 * stay as they are; arrays are encoded element by element.
 */
function encodeReply(reply: RedisReply, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string")
    return base64 && reply !== "OK" ? Buffer.from(reply).toString("base64") : reply;
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64));
  return reply;
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    request.on("error", reject);
  });
}

function isCommand(value: unknown): value is (string | number)[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === "string" || typeof item === "number")
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts an HTTP server speaking the Upstash Redis REST protocol as @upstash/redis uses it:
 * `POST /` with a JSON command array, `POST /pipeline` and `POST /multi-exec` with an array of
 * commands, bearer token auth, `{"result": ...}` / `{"error": "..."}` bodies and the optional
 * base64 response encoding. Commands run on a real Redis through the `redis` client.
 */
export async function startUpstashRestServer(
  options: UpstashRestServerOptions,
): Promise<UpstashRestServer> {
  const token = options.token ?? "upstash-test-token";
  const redis = createClient({ url: options.redisUrl, socket: { reconnectStrategy: 50 } });
  redis.on("error", () => undefined);
  await redis.connect();
  let requests = 0;

  const run = (command: (string | number)[]): Promise<RedisReply> =>
    redis.sendCommand(command.map(String)) as Promise<RedisReply>;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requests += 1;
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) {
      send(401, { error: "Unauthorized" });
      return;
    }
    if (request.method !== "POST") {
      send(405, { error: "ERR only POST is supported by this test server" });
      return;
    }
    const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    let body: unknown;
    try {
      body = await readJson(request);
    } catch {
      send(400, { error: "ERR failed to parse command" });
      return;
    }
    const path = new URL(request.url ?? "/", "http://upstash").pathname;
    if (path === "/") {
      if (!isCommand(body)) {
        send(400, { error: "ERR failed to parse command" });
        return;
      }
      try {
        send(200, { result: encodeReply(await run(body), base64) });
      } catch (error) {
        send(400, { error: errorMessage(error) });
      }
      return;
    }
    if (path !== "/pipeline" && path !== "/multi-exec") {
      send(404, { error: `ERR unknown path ${path}` });
      return;
    }
    if (!Array.isArray(body) || !body.every(isCommand)) {
      send(400, { error: "ERR failed to parse pipeline request" });
      return;
    }
    const commands = body;
    if (path === "/pipeline") {
      const results = await Promise.all(
        commands.map((command) =>
          run(command).then(
            (reply) => ({ result: encodeReply(reply, base64) }),
            (error: unknown) => ({ error: errorMessage(error) }),
          ),
        ),
      );
      send(200, results);
      return;
    }
    const transaction = redis.multi();
    for (const command of commands) transaction.addCommand(command.map(String));
    try {
      const replies = (await transaction.exec()) as unknown as RedisReply[];
      send(
        200,
        replies.map((reply) => ({ result: encodeReply(reply, base64) })),
      );
    } catch (error) {
      send(400, { error: errorMessage(error) });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: errorMessage(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requestCount: () => requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await redis.close();
    },
  };
}
