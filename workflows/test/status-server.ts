import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback site whose answers the test scripts, path by path. */
export interface StatusServer {
  /** Base URL. @example "http://127.0.0.1:41234" */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  /** Sets the statuses `path` answers with, one per request; the last one repeats. */
  answer(path: string, statuses: number[]): void;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a {@link StatusServer} on a random free port of 127.0.0.1; unknown paths answer 404. */
export async function startStatusServer(): Promise<StatusServer> {
  const requests: string[] = [];
  const answers = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push(path);
    const statuses = answers.get(path) ?? [404];
    const status = statuses.length > 1 ? (statuses.shift() ?? 404) : (statuses[0] ?? 404);
    response.writeHead(status, { "content-type": "text/plain" });
    response.end(String(status));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, statuses) => answers.set(path, [...statuses]),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
