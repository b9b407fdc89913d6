import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. The port is released before returning, so
 * a process started next can bind it; nothing else on this machine binds random high ports.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
