import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";

/**
 * A loopback server speaking Upstash's REST protocol (`POST /` with a JSON command array, bearer
 * token, `{"result"}` / `{"error"}` bodies, base64 string results under `Upstash-Encoding: base64`)
 * in front of a real redis-server, so the Upstash store is exercised over its real wire format.
 */
export async function startUpstashRestBridge(
  redisUrl: string,
  token: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  const encode = (value: unknown, base64: boolean): unknown => {
    if (typeof value === "string")
      return base64 && value !== "OK" ? Buffer.from(value, "utf8").toString("base64") : value;
    if (Array.isArray(value)) return value.map((item) => encode(item, base64));
    return value;
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Bearer ${token}`)
        return reply(401, { error: "Unauthorized" });
      const base64 = request.headers["upstash-encoding"] === "base64";
      const run = (command: unknown[]): Promise<{ result?: unknown; error?: string }> =>
        redis.sendCommand(command.map(String)).then(
          (result) => ({ result: encode(result, base64) }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        );
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[];
      // `/pipeline` (and auto-pipelining) sends an array of commands and gets an array of results.
      if (Array.isArray(parsed[0])) {
        void Promise.all((parsed as unknown[][]).map(run)).then((results) => reply(200, results));
        return;
      }
      void run(parsed).then((result) => reply(result.error === undefined ? 200 : 400, result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.destroy();
    },
  };
}
