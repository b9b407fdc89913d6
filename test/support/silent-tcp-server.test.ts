import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSilentTcpServer } from "./silent-tcp-server";
import type { SilentTcpServer } from "./silent-tcp-server";

let silent: SilentTcpServer;

beforeAll(async () => {
  silent = await startSilentTcpServer();
});

afterAll(async () => {
  await silent.close();
});

describe("silent TCP server", () => {
  it("accepts a connection and sends nothing back", async () => {
    const socket = connect({ port: silent.port, host: "127.0.0.1" });
    let received = 0;
    socket.on("data", (data: Buffer) => (received += data.length));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("PING\r\n");
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    expect(silent.connections()).toBe(1);
    expect(received).toBe(0);
  });
});
