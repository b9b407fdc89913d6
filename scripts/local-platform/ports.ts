/**
 * Checks every port before anything starts, so a port in use fails fast with the variable to
 * change instead of leaving half a platform running.
 */
import { createServer } from "node:net";
import { LocalPlatformError } from "./local-platform-error";
import type { PortSetting } from "./settings";

function listenOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Resolves each setting to a concrete free port (`0` becomes a free port picked by the OS).
 * @throws LocalPlatformError naming the port and its variable when a port is taken.
 */
export async function resolvePorts(host: string, settings: PortSetting[]): Promise<number[]> {
  const resolved: number[] = [];
  for (const setting of settings) {
    try {
      let port = await listenOnce(host, setting.port);
      // The OS may hand the same free port out twice in a row; ask again until it differs.
      while (setting.port === 0 && resolved.includes(port)) {
        port = await listenOnce(host, 0);
      }
      resolved.push(port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EADDRINUSE" || code === "EACCES") {
        const reason = code === "EADDRINUSE" ? "is already in use" : "needs privileges";
        throw new LocalPlatformError(
          `Port ${setting.port} on ${host} ${reason} (${setting.service}). ` +
            `Stop whatever is listening there, or choose another port: ${setting.variable}=<port> npm start ` +
            `(${setting.variable}=0 picks a free one).`,
        );
      }
      throw error;
    }
  }
  return resolved;
}
