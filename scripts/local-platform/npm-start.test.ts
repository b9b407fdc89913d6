import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { resolve } from "node:path";
import OpenAI from "openai";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer } from "../../test/support/redis-server";
import type { RedisServer } from "../../test/support/redis-server";
import { READY_LINE } from "./banner";
import type { ExitStatus, RunningCommand } from "./test/npm-start-process";
import {
  cleanEnvironment,
  descendantsOf,
  gatewayPid,
  isPortFree,
  killEverything,
  pickFreePort,
  repositoryRoot,
  runNpmStart,
  stillAlive,
  urlAfter,
  waitForOutput,
} from "./test/npm-start-process";

// The full banner has been printed once this line is there.
const LAST_BANNER_LINE = "Press Ctrl-C to stop.";
const READY_TIMEOUT_MS = 150_000;

async function startOnFreePorts(extraEnvironment: Record<string, string> = {}) {
  const ports = {
    gateway: await pickFreePort(),
    edgeCache: await pickFreePort(),
    simulator: await pickFreePort(),
  };
  const command = runNpmStart(
    cleanEnvironment({
      GATEWAY_PORT: String(ports.gateway),
      EDGE_CACHE_PORT: String(ports.edgeCache),
      SIMULATOR_PORT: String(ports.simulator),
      ...extraEnvironment,
    }),
  );
  await waitForOutput(command, LAST_BANNER_LINE, READY_TIMEOUT_MS);
  return { command, ports, descendants: descendantsOf(command.child.pid ?? -1) };
}

describe("npm start, then SIGTERM", () => {
  let command: RunningCommand;
  let ports: { gateway: number; edgeCache: number; simulator: number };
  let descendants = new Map<number, string>();
  let exit: ExitStatus | undefined;

  beforeAll(async () => {
    ({ command, ports, descendants } = await startOnFreePorts());
  });

  afterAll(() => killEverything(exit === undefined ? command : undefined, descendants.keys()));

  it("prints the ready line and each URL on the requested ports", () => {
    const output = command.stdout();
    expect(output).toContain(READY_LINE);
    expect(urlAfter("LLM gateway", output)).toBe(`http://127.0.0.1:${ports.gateway}`);
    expect(urlAfter("edge-cache Worker", output)).toBe(`http://127.0.0.1:${ports.edgeCache}`);
    expect(urlAfter("provider simulator", output)).toBe(`http://127.0.0.1:${ports.simulator}`);
  });

  it("says both providers are simulated when no API key is set", () => {
    expect(command.stdout()).toMatch(/openai +simulated/);
    expect(command.stdout()).toMatch(/anthropic +simulated/);
  });

  it("answers a chat completion through the printed gateway URL with the openai SDK", async () => {
    const client = new OpenAI({
      baseURL: `${urlAfter("LLM gateway", command.stdout())}/v1`,
      apiKey: "local",
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: "tier:fast",
      messages: [{ role: "user", content: "Name one cognitive distortion." }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it("serves a definition through the printed Worker URL", async () => {
    const response = await fetch(
      `${urlAfter("edge-cache Worker", command.stdout())}/definitions/cognitive-distortions`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      readFileSync(
        resolve(repositoryRoot, "templates/definitions/cognitive-distortions.json"),
        "utf8",
      ),
    );
  });

  it("runs the gateway under Deno and the Worker under workerd as its descendants", () => {
    expect(gatewayPid(descendants)).toBeDefined();
    expect([...descendants.values()].some((line) => line.includes("workerd"))).toBe(true);
  });

  it("exits 0 on SIGTERM", async () => {
    command.child.kill("SIGTERM");
    exit = await command.exited;
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it("leaves no process behind after SIGTERM", () => {
    expect(stillAlive(descendants.keys())).toEqual([]);
  });

  it("frees every port after SIGTERM", async () => {
    const free = await Promise.all(Object.values(ports).map((port) => isPortFree(port)));
    expect(free).toEqual([true, true, true]);
  });
});

describe("npm start, then Ctrl-C", () => {
  let command: RunningCommand;
  let descendants = new Map<number, string>();
  let exit: ExitStatus | undefined;

  beforeAll(async () => {
    ({ command, descendants } = await startOnFreePorts());
    // A terminal's Ctrl-C sends SIGINT to the whole foreground process group.
    process.kill(-(command.child.pid ?? 0), "SIGINT");
    exit = await command.exited;
  });

  afterAll(() => killEverything(undefined, descendants.keys()));

  it("exits 0", () => {
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it("leaves no process behind", () => {
    expect(stillAlive(descendants.keys())).toEqual([]);
  });
});

describe("npm start when the gateway dies", () => {
  let command: RunningCommand;
  let descendants = new Map<number, string>();
  let exit: ExitStatus | undefined;

  beforeAll(async () => {
    ({ command, descendants } = await startOnFreePorts());
    const pid = gatewayPid(descendants);
    if (pid === undefined) throw new Error(`no Deno gateway among ${[...descendants.values()]}`);
    process.kill(pid, "SIGKILL");
    exit = await command.exited;
  });

  afterAll(() => killEverything(exit === undefined ? command : undefined, descendants.keys()));

  it("exits 1", () => {
    expect(exit).toEqual({ code: 1, signal: null });
  });

  it("says the gateway exited unexpectedly", () => {
    expect(command.stderr()).toMatch(
      /npm start: The LLM gateway \(Deno, pid \d+\) exited unexpectedly \(SIGKILL\); stopping the local platform\./,
    );
  });

  it("stops the Worker and the simulator", () => {
    expect(stillAlive(descendants.keys())).toEqual([]);
  });
});

describe("npm start with REDIS_URL", () => {
  let redis: RedisServer;
  let command: RunningCommand;
  let descendants = new Map<number, string>();

  beforeAll(async () => {
    redis = await startRedisServer();
    ({ command, descendants } = await startOnFreePorts({ REDIS_URL: redis.url }));
  });

  afterAll(async () => {
    command?.child.kill("SIGTERM");
    await command?.exited;
    killEverything(undefined, descendants.keys());
    await redis?.stop();
  });

  it("says the store is Redis", () => {
    expect(command.stdout()).toContain("Store: Redis over TCP (REDIS_URL)");
  });

  it("makes the gateway keep its state in that Redis", async () => {
    const client = new OpenAI({
      baseURL: `${urlAfter("LLM gateway", command.stdout())}/v1`,
      apiKey: "local",
      maxRetries: 0,
    });
    await client.chat.completions.create({
      model: "tier:fast",
      temperature: 0,
      messages: [{ role: "user", content: "Say hello." }],
    });
    const redisClient = createClient({ url: redis.url });
    await redisClient.connect();
    try {
      expect(await redisClient.dbSize()).toBeGreaterThan(0);
    } finally {
      await redisClient.quit();
    }
  });
});

describe("npm start with a port in use", () => {
  let occupied: Server;
  let occupiedPort: number;

  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((done) => occupied.listen({ host: "127.0.0.1", port: 0 }, done));
    const address = occupied.address();
    occupiedPort = typeof address === "object" && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((done) => occupied.close(done));
  });

  it("exits 1 with an error naming the port and GATEWAY_PORT, before starting anything", async () => {
    const command = runNpmStart(
      cleanEnvironment({
        GATEWAY_PORT: String(occupiedPort),
        EDGE_CACHE_PORT: "0",
        SIMULATOR_PORT: "0",
      }),
    );
    const exit = await command.exited;
    expect(exit.code).toBe(1);
    expect(command.stderr()).toContain(
      `npm start: Port ${occupiedPort} on 127.0.0.1 is already in use (LLM gateway). ` +
        "Stop whatever is listening there, or choose another port: GATEWAY_PORT=<port> npm start",
    );
    expect(command.stderr()).not.toContain("[gateway]");
  });
});
