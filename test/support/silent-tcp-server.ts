import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";

/** A loopback TCP server that accepts connections and never sends a byte: a hung dependency. */
export interface SilentTcpServer {
  /** Its port on 127.0.0.1. */
  port: number;
  /** How many connections it has accepted. */
  connections(): number;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a {@link SilentTcpServer} on a free port. */
export async function startSilentTcpServer(): Promise<SilentTcpServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => accepted,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
