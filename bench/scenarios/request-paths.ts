// The gateway's non-streaming paths measured against the simulator called directly: the cache
// miss (key, lookup, upstream, store), the hit and the bypass at 1 KB, 100 KB and 1 MB bodies, and
// throughput at 16 and 64 requests in flight (issue #12's miss-path and large-prompt targets).
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import type { GatewayProcess } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import type { LoadResult } from "../lib/load";
import { runLoad } from "../lib/load";
import { summarize } from "../lib/stats";

/** How a request meets the gateway's response cache. */
export type CachePath = "miss" | "hit" | "bypass";

/** p50 latencies at one body size, milliseconds. */
export interface BodySizeFigures {
  /** Bytes of the request body. */
  bodyBytes: number;
  /** The simulator called directly. */
  directP50: number;
  /** Through the gateway, per cache path. */
  gatewayP50: Record<CachePath, number>;
  /** Requests that failed, over every run at this size. */
  errors: number;
}

/** What {@link measureRequestPaths} measured. */
export interface RequestPathsResult {
  /** Sequential non-streaming miss (temperature 0, a new prompt each time), p50 ms. */
  missP50: number;
  /** The same requests sent to the simulator directly, p50 ms. */
  directP50: number;
  /** Gateway req/s with the cache bypassed, 16 in flight. */
  requestsPerSecond16: number;
  /** The same at 64 in flight. */
  requestsPerSecond64: number;
  /** One row per body size: about 1 KB, 100 KB and 1 MB. */
  bodySizes: BodySizeFigures[];
}

/** Body sizes of the large-prompt runs, bytes (1 MB stays under the 1 MiB body limit). */
export const requestPathBodySizes = [1_000, 100_000, 1_000_000] as const;

const apiKey = "sk-bench-0123456789";

/** A chat request of about `bytes` bytes whose prompt is unique to `index`. */
function chatBody(index: number, bytes: number, temperature: number): string {
  const head = `Request ${index}: summarise this. `;
  const envelope = JSON.stringify({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: head }],
    temperature,
  });
  const padding = "lorem ipsum ".repeat(Math.max(0, bytes - envelope.length) / 12 + 1);
  return JSON.stringify({
    model: "gpt-4o-mini",
    messages: [
      { role: "user", content: head + padding.slice(0, Math.max(0, bytes - envelope.length)) },
    ],
    temperature,
  });
}

/**
 * Measures the miss path, throughput at 16 and 64 concurrent, and miss/hit/bypass at three body
 * sizes. `gateway` must use the in-memory store and reach `simulator`.
 */
export async function measureRequestPaths(
  context: BenchContext,
  simulator: ProviderSimulator,
  gateway: GatewayProcess,
): Promise<RequestPathsResult> {
  const direct = `${simulator.openaiBaseUrl}/chat/completions`;
  const through = `${gateway.url}/v1/chat/completions`;
  const authorization = { authorization: `Bearer ${apiKey}` };
  // Miss bodies must never repeat across runs, or a later run would hit an earlier one's answer.
  let nextPrompt = 0;
  const run = async (
    label: string,
    send: (index: number) => Promise<boolean>,
    concurrency: number,
    requests: number,
  ): Promise<LoadResult> => {
    const result = await runLoad(send, {
      concurrency,
      requests,
      warmup: Math.min(50, requests),
      timeLimitMs: 10_000,
      onProgress: (done) => context.progress.counter(label, done, requests),
    });
    context.progress.endCounter();
    context.progress.note(
      `${label}: ${result.latencies.length} ok, ${result.errors} errors, ${result.requestsPerSecond.toFixed(0)} req/s`,
    );
    return result;
  };
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    const response = await context.client.post(url, body, headers);
    return response.status === 200 && response.body.includes("Simulated-");
  };
  const p50 = (result: LoadResult) => summarize(result.latencies).p50;

  const missCount = scaled(context, 1500);
  const missBase = nextPrompt;
  nextPrompt += missCount + 100;
  const directRun = await run(
    "direct, temperature 0, sequential",
    (index) => post(direct, chatBody(missBase + index, 200, 0), authorization),
    1,
    missCount,
  );
  const missRun = await run(
    "gateway miss, sequential",
    (index) => post(through, chatBody(missBase + index, 200, 0), {}),
    1,
    missCount,
  );

  const bypass = { "cache-control": "no-cache" };
  const throughput: number[] = [];
  for (const concurrency of [16, 64]) {
    const result = await run(
      `gateway bypass, ${concurrency} concurrent`,
      (index) => post(through, chatBody(index, 200, 0), bypass),
      concurrency,
      scaled(context, 6000),
    );
    throughput.push(result.requestsPerSecond);
  }

  const bodySizes: BodySizeFigures[] = [];
  for (const bytes of requestPathBodySizes) {
    const requests = scaled(context, bytes >= 1_000_000 ? 150 : 600);
    const base = nextPrompt;
    nextPrompt += requests + 100;
    const size = `${Math.round(bytes / 1000)} KB`;
    const hitBody = chatBody(-1 - bytes, bytes, 0);
    const runs = {
      direct: await run(
        `${size} direct`,
        (index) => post(direct, chatBody(base + index, bytes, 0), authorization),
        1,
        requests,
      ),
      miss: await run(
        `${size} gateway miss`,
        (index) => post(through, chatBody(base + index, bytes, 0), {}),
        1,
        requests,
      ),
      hit: await run(`${size} gateway hit`, () => post(through, hitBody, {}), 1, requests),
      bypass: await run(
        `${size} gateway bypass`,
        (index) => post(through, chatBody(base + index, bytes, 0), bypass),
        1,
        requests,
      ),
    };
    bodySizes.push({
      bodyBytes: Buffer.byteLength(chatBody(base, bytes, 0)),
      directP50: p50(runs.direct),
      gatewayP50: { miss: p50(runs.miss), hit: p50(runs.hit), bypass: p50(runs.bypass) },
      errors: Object.values(runs).reduce((total, result) => total + result.errors, 0),
    });
  }

  return {
    missP50: p50(missRun),
    directP50: p50(directRun),
    requestsPerSecond16: throughput[0] ?? Number.NaN,
    requestsPerSecond64: throughput[1] ?? Number.NaN,
    bodySizes,
  };
}
