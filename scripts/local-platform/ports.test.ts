import { createServer } from "node:net";
import type { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePorts } from "./ports";

describe("resolvePorts", () => {
  let occupied: Server;
  let occupiedPort: number;

  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const address = occupied.address();
    occupiedPort = typeof address === "object" && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => occupied.close(resolve));
  });

  it("turns 0 into distinct free ports", async () => {
    const ports = await resolvePorts("127.0.0.1", [
      { service: "a", variable: "A_PORT", port: 0 },
      { service: "b", variable: "B_PORT", port: 0 },
    ]);
    expect(ports[0]).toBeGreaterThan(0);
    expect(ports[1]).not.toBe(ports[0]);
  });

  it("keeps a free fixed port as it is", async () => {
    const [free] = await resolvePorts("127.0.0.1", [{ service: "a", variable: "A_PORT", port: 0 }]);
    const ports = await resolvePorts("127.0.0.1", [
      { service: "a", variable: "A_PORT", port: free ?? 0 },
    ]);
    expect(ports).toEqual([free]);
  });

  it("names the port, the service and the variable when the port is in use", async () => {
    await expect(
      resolvePorts("127.0.0.1", [
        { service: "LLM gateway", variable: "GATEWAY_PORT", port: occupiedPort },
      ]),
    ).rejects.toThrow(
      `Port ${occupiedPort} on 127.0.0.1 is already in use (LLM gateway). ` +
        "Stop whatever is listening there, or choose another port: GATEWAY_PORT=<port> npm start",
    );
  });
});
