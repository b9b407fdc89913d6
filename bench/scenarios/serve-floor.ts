import { startGateway } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import type { LoadResult } from "../lib/load";
import { runLoad } from "../lib/load";

/** The same deterministic request the cache-hit scenario sends. */
const request = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is the capital of France? Answer in one word." }],
  temperature: 0,
});

/**
 * The floor for this runtime: a bare `Deno.serve` (bench/scenarios/serve-floor.deno.mts) that reads
 * the body and answers a fixed chat completion, started with the gateway script's flags and driven
 * exactly as the cache-hit scenario drives the gateway (sequential, same client, same body).
 */
export async function measureServeFloor(context: BenchContext): Promise<LoadResult> {
  const server = await startGateway({
    entry: "bench/scenarios/serve-floor.deno.mts",
    captureOutput: false,
  });
  try {
    const url = `${server.url}/v1/chat/completions`;
    const count = scaled(context, 3000);
    const result = await runLoad(
      async () => (await context.client.post(url, request)).status === 200,
      {
        concurrency: 1,
        requests: count,
        warmup: 100,
        timeLimitMs: 10_000,
        onProgress: (done) => context.progress.counter("bare Deno.serve", done, count),
      },
    );
    context.progress.endCounter();
    context.progress.note(`bare Deno.serve: ${result.latencies.length} requests`);
    return result;
  } finally {
    await server.stop();
  }
}
