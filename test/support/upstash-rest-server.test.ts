import { Redis } from "@upstash/redis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer } from "./redis-server";
import type { RedisServer } from "./redis-server";
import { startUpstashRestServer } from "./upstash-rest-server";
import type { UpstashRestServer } from "./upstash-rest-server";

let redisServer: RedisServer;
let upstash: UpstashRestServer;
let client: Redis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  upstash = await startUpstashRestServer({ redisUrl: redisServer.url });
  client = new Redis({ url: upstash.url, token: upstash.token, retry: false });
});

afterAll(async () => {
  await upstash.close();
  await redisServer.stop();
});

describe("Upstash REST protocol server (driven by @upstash/redis)", () => {
  it("stores and reads a string through the real Redis", async () => {
    await client.set("greeting", "hello world");
    expect(await client.get("greeting")).toBe("hello world");
    const direct = createClient({ url: redisServer.url });
    await direct.connect();
    expect(await direct.get("greeting")).toBe("hello world");
    await direct.close();
  });

  it("round-trips JSON values and non-ASCII text under base64 encoding", async () => {
    await client.set("object", { name: "Zoë", count: 2 });
    expect(await client.get("object")).toEqual({ name: "Zoë", count: 2 });
  });

  it("returns integers and nulls as such", async () => {
    expect(await client.incrby("counter", 5)).toBe(5);
    expect(await client.get("missing-key")).toBeNull();
  });

  it("runs a pipeline and returns one result per command", async () => {
    const pipeline = client.pipeline();
    pipeline.set("p1", "a");
    pipeline.incr("p2");
    pipeline.get("p1");
    expect(await pipeline.exec()).toEqual(["OK", 1, "a"]);
  });

  it("runs a transaction through /multi-exec", async () => {
    const transaction = client.multi();
    transaction.incrbyfloat("spent", 0.25);
    transaction.incrbyfloat("spent", 0.5);
    expect(await transaction.exec()).toEqual([0.25, 0.75]);
  });

  it("runs Lua scripts with EVAL", async () => {
    const result = await client.eval(
      "return redis.call('INCRBY', KEYS[1], ARGV[1])",
      ["lua-counter"],
      ["7"],
    );
    expect(result).toBe(7);
  });

  it("reports a Redis error as an Upstash error", async () => {
    await client.set("text", "not a number");
    await expect(client.incr("text")).rejects.toThrow(/not an integer/);
  });

  it("rejects a wrong bearer token with 401", async () => {
    const response = await fetch(upstash.url, {
      method: "POST",
      headers: { authorization: "Bearer wrong" },
      body: JSON.stringify(["PING"]),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Unauthorized" });
  });
});
