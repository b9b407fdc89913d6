import { createClient } from "redis";
import type { GatewayProcess } from "../../test/support/gateway-process";
import type { UpstashRestServer } from "../../test/support/upstash-rest-server";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import type { LoadResult } from "../lib/load";
import { runLoad } from "../lib/load";

/** Cache-hit latency per store, and the raw store reads they are compared with. */
export interface CacheHitRuns {
  /** Gateway hit, in-memory store. */
  memory: LoadResult;
  /** Gateway hit, Redis over TCP (`REDIS_URL`). */
  redis: LoadResult;
  /** Gateway hit, Upstash REST protocol (`UPSTASH_REDIS_REST_URL`). */
  upstash: LoadResult;
  /** A raw `GET` of a value of the same size with the `redis` client. */
  rawRedisGet: LoadResult;
  /** A raw `["GET", key]` over the Upstash REST protocol. */
  rawUpstashGet: LoadResult;
  /** Size of the cached answer body, bytes. */
  answerBytes: number;
}

const cachedRequest = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is the capital of France? Answer in one word." }],
  temperature: 0,
});

async function gatewayHits(
  context: BenchContext,
  gateway: GatewayProcess,
  label: string,
): Promise<LoadResult> {
  const url = `${gateway.url}/v1/chat/completions`;
  const count = scaled(context, 3000);
  const result = await runLoad(
    async () => {
      const response = await context.client.post(url, cachedRequest);
      return response.status === 200 && response.headers["x-llm-cache"] === "hit";
    },
    {
      concurrency: 1,
      requests: count,
      warmup: 100,
      timeLimitMs: 10_000,
      onProgress: (done) => context.progress.counter(label, done, count),
    },
  );
  context.progress.endCounter();
  context.progress.note(
    `${label}: p50 over ${result.latencies.length} hits, ${result.errors} misses/errors`,
  );
  return result;
}

/** Measures gateway cache hits on each store and raw reads of the same stores. */
export async function measureCacheHits(
  context: BenchContext,
  gateways: { memory: GatewayProcess; redis: GatewayProcess; upstash: GatewayProcess },
  redisUrl: string,
  upstash: UpstashRestServer,
): Promise<CacheHitRuns> {
  const memory = await gatewayHits(context, gateways.memory, "gateway hit, in-memory");
  const redis = await gatewayHits(context, gateways.redis, "gateway hit, Redis TCP");
  const upstashHits = await gatewayHits(context, gateways.upstash, "gateway hit, Upstash REST");

  const answer = await context.client.post(
    `${gateways.memory.url}/v1/chat/completions`,
    cachedRequest,
  );
  const value = answer.body;
  const client = createClient({ url: redisUrl });
  await client.connect();
  await client.set("bench:raw", value);
  const count = scaled(context, 3000);
  const rawRedisGet = await runLoad(async () => (await client.get("bench:raw")) === value, {
    concurrency: 1,
    requests: count,
    warmup: 100,
    timeLimitMs: 10_000,
  });
  await client.close();
  context.progress.note(`raw Redis GET: ${rawRedisGet.latencies.length} reads`);

  const upstashHeaders = { authorization: `Bearer ${upstash.token}` };
  await context.client.post(
    upstash.url,
    JSON.stringify(["SET", "bench:raw-rest", value]),
    upstashHeaders,
  );
  const rawUpstashGet = await runLoad(
    async () => {
      const response = await context.client.post(
        upstash.url,
        JSON.stringify(["GET", "bench:raw-rest"]),
        upstashHeaders,
      );
      return response.status === 200;
    },
    { concurrency: 1, requests: count, warmup: 100, timeLimitMs: 10_000 },
  );
  context.progress.note(`raw Upstash REST GET: ${rawUpstashGet.latencies.length} reads`);
  return {
    memory,
    redis,
    upstash: upstashHits,
    rawRedisGet,
    rawUpstashGet,
    answerBytes: Buffer.byteLength(value),
  };
}
