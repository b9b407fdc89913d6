import { createServer } from "node:net";
import type { Server } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { timeouts } from "../../test/support/timeouts";
import { waitUntil } from "../../test/support/wait-until";
import { isLocalPlatformError } from "./local-platform-error";
import { startLocalPlatform } from "./platform";
import type { LocalPlatform } from "./platform";

// Real Deno runs this stand-in for the gateway, so these tests do not depend on the gateway's code.
const standInGateway = join(__dirname, "__fixtures__", "stand-in-gateway.js");

const freePorts = { GATEWAY_PORT: "0", EDGE_CACHE_PORT: "0", SIMULATOR_PORT: "0" };

function isProcessGroupAlive(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
    return true;
  } catch {
    return false;
  }
}

async function canListen(url: string): Promise<boolean> {
  const { port } = new URL(url);
  const server: Server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port: Number(port) }, () =>
      server.close(() => resolve(true)),
    );
  });
}

const quiet = () => undefined;

describe("startLocalPlatform with a stand-in gateway", () => {
  let platform: LocalPlatform;

  afterAll(async () => {
    await platform?.stop();
  });

  it("starts the gateway, the Worker and the simulator on loopback", async () => {
    platform = await startLocalPlatform({
      environment: { ...freePorts, PATH: process.env.PATH },
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    });
    const health = await fetch(`${platform.gatewayUrl}/health`);
    expect(health.status).toBe(200);
    expect(platform.edgeCacheUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(platform.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves the seeded definitions through the Worker", async () => {
    const response = await fetch(`${platform.edgeCacheUrl}/definitions/cognitive-distortions`);
    expect(response.status).toBe(200);
  });

  it("points the gateway at the simulator for providers without a key", async () => {
    const wiring = await (await fetch(`${platform.gatewayUrl}/wiring`)).json();
    expect(wiring).toEqual({
      openaiBaseUrl: `${platform.simulatorUrl}/openai/v1`,
      anthropicBaseUrl: `${platform.simulatorUrl}/anthropic`,
      openaiKeySet: true,
      anthropicKeySet: true,
      redisUrl: null,
    });
  });

  it("prints the gateway URL in the banner", () => {
    expect(platform.banner).toContain(`LLM gateway        ${platform.gatewayUrl}`);
  });

  it("stops the gateway's process group and frees every port", async () => {
    await platform.stop();
    expect(isProcessGroupAlive(platform.gatewayPid)).toBe(false);
    expect(await canListen(platform.gatewayUrl)).toBe(true);
    expect(await canListen(platform.edgeCacheUrl)).toBe(true);
    expect(await canListen(platform.simulatorUrl ?? "")).toBe(true);
  });
});

describe("startLocalPlatform with the real gateway and the job worker", () => {
  let platform: LocalPlatform;

  beforeAll(async () => {
    platform = await startLocalPlatform({
      environment: { ...freePorts, PATH: process.env.PATH, HOME: process.env.HOME },
      onGatewayOutput: quiet,
      onJobWorkerOutput: quiet,
      jobWorkerIntervalMs: 200,
    });
  }, timeouts.hook);

  afterAll(async () => {
    await platform?.stop();
  }, timeouts.hook);

  it("says in the banner that the job worker runs", () => {
    expect(platform.banner).toContain(`job worker         ${platform.jobWorkerUrl}`);
  });

  it("completes a submitted job through the worker, without anyone waking it", async () => {
    const submitted = await fetch(`${platform.gatewayUrl}/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        steps: [
          { model: "tier:fast", messages: [{ role: "user", content: "List three risks." }] },
          { model: "tier:fast", messages: [{ role: "user", content: "Rank: {{steps.0.output}}" }] },
        ],
      }),
    });
    const { status_url: statusUrl } = (await submitted.json()) as { status_url: string };
    const read = async () =>
      (await (await fetch(`${platform.gatewayUrl}${statusUrl}`)).json()) as { status: string };

    await waitUntil(async () => (await read()).status === "succeeded", {
      description: "the job to succeed under npm start",
      timeoutMs: timeouts.test / 2,
      intervalMs: 200,
    });
    expect((await read()).status).toBe("succeeded");
  });

  it("stops the job worker's process group with the rest", async () => {
    await platform.stop();

    expect(isProcessGroupAlive(platform.jobWorkerPid ?? 0)).toBe(false);
  });
});

describe("startLocalPlatform wiring and failures", () => {
  const started: LocalPlatform[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((platform) => platform.stop()));
  });

  it("passes a real provider's key through and does not simulate it", async () => {
    const platform = await startLocalPlatform({
      environment: {
        ...freePorts,
        OPENAI_API_KEY: "sk-real",
        OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
        REDIS_URL: "redis://127.0.0.1:6379",
      },
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    });
    started.push(platform);
    const wiring = await (await fetch(`${platform.gatewayUrl}/wiring`)).json();
    expect(wiring).toMatchObject({
      openaiBaseUrl: "http://127.0.0.1:1/v1",
      anthropicBaseUrl: `${platform.simulatorUrl}/anthropic`,
      redisUrl: "redis://127.0.0.1:6379",
    });
  });

  it("does not start the simulator when every provider has a key", async () => {
    const platform = await startLocalPlatform({
      environment: {
        ...freePorts,
        OPENAI_API_KEY: "sk-a",
        ANTHROPIC_API_KEY: "sk-b",
        GEMINI_API_KEY: "gm-c",
      },
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    });
    started.push(platform);
    expect(platform.simulatorUrl).toBeUndefined();
  });

  it("reports a gateway that exits on its own", async () => {
    const platform = await startLocalPlatform({
      environment: { ...freePorts, STAND_IN_EXIT_AFTER_MS: "300" },
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    });
    started.push(platform);
    expect(await platform.unexpectedExit).toBe(
      `The LLM gateway (Deno, pid ${platform.gatewayPid}) exited unexpectedly (exit code 4); stopping the local platform.`,
    );
  });

  it("fails with a LocalPlatformError when the gateway exits before it is ready", async () => {
    const failure = await startLocalPlatform({
      environment: { ...freePorts, STAND_IN_EXIT_BEFORE_READY: "1" },
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    }).catch((error: unknown) => error);
    expect(isLocalPlatformError(failure)).toBe(true);
    expect((failure as Error).message).toContain("exited before it was ready (exit code 3)");
  });

  it("frees the Worker and simulator ports when the gateway fails to start", async () => {
    const environment = {
      GATEWAY_PORT: "0",
      EDGE_CACHE_PORT: String(await pickFreePort()),
      SIMULATOR_PORT: String(await pickFreePort()),
      STAND_IN_EXIT_BEFORE_READY: "1",
    };
    await startLocalPlatform({
      environment,
      gatewayEntry: standInGateway,
      jobWorker: false,
      onGatewayOutput: quiet,
    }).catch(() => undefined);
    expect(await canListen(`http://127.0.0.1:${environment.EDGE_CACHE_PORT}`)).toBe(true);
    expect(await canListen(`http://127.0.0.1:${environment.SIMULATOR_PORT}`)).toBe(true);
  });
});

async function pickFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}
