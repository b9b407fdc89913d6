import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer } from "./redis-server";
import type { RedisServer } from "./redis-server";

let redisServer: RedisServer;

beforeAll(async () => {
  redisServer = await startRedisServer();
});

afterAll(async () => {
  await redisServer.stop();
});

async function canConnect(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return true;
  } catch {
    return false;
  }
}

describe("test redis-server launcher", () => {
  it("serves on its loopback port", async () => {
    expect(await canConnect(redisServer.url)).toBe(true);
  });

  it("stops and restarts empty on the same port", async () => {
    const client = createClient({ url: redisServer.url });
    await client.connect();
    await client.set("before-restart", "1");
    await client.close();
    await redisServer.stop();
    expect(await canConnect(redisServer.url)).toBe(false);
    await redisServer.restart();
    const again = createClient({ url: redisServer.url });
    await again.connect();
    expect(await again.get("before-restart")).toBeNull();
    await again.close();
  });
});
