import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback site whose answers the test scripts, path by path. */
export interface StatusServer {
  /** Base URL. @example "http://127.0.0.1:41234" */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /**
   * Sets the statuses `path` answers with, one per request; the last one repeats. The body is
   * `body` when given, the status as text otherwise.
   */
  answer(path: string, statuses: number[], body?: string): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a {@link StatusServer} on a random free port of 127.0.0.1; unknown paths answer 404. */
export async function startStatusServer(): Promise<StatusServer> {
  const requests: string[] = [];
  const answers = new Map<string, number[]>();
  const bodies = new Map<string, string>();
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push(path);
    const statuses = answers.get(path) ?? [404];
    const status = statuses.length > 1 ? (statuses.shift() ?? 404) : (statuses[0] ?? 404);
    const body = bodies.get(path);
    response.writeHead(status, { "content-type": body ? "application/json" : "text/plain" });
    response.end(body ?? String(status));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, statuses, body) => {
      answers.set(path, [...statuses]);
      if (body === undefined) bodies.delete(path);
      else bodies.set(path, body);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
