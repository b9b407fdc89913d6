import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import type { GatewayProcess } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import type { LoadResult } from "../lib/load";
import { runLoad } from "../lib/load";
import type { PortkeyProcess } from "../lib/portkey";
import { portkeyHeaders } from "../lib/portkey";

/** The three ways to reach the same zero-latency simulator. */
export type OverheadTarget = "direct" | "gateway" | "portkey";

/** Load results per target and mode. */
export interface OverheadRuns {
  /** One request at a time, non-streaming. */
  sequential: Record<OverheadTarget, LoadResult>;
  /** 16 requests in flight, non-streaming. */
  concurrent16: Record<OverheadTarget, LoadResult>;
  /** One request at a time, `stream: true`, read to `[DONE]`. */
  streamingSequential: Record<OverheadTarget, LoadResult>;
}

const apiKey = "sk-bench-0123456789";

/**
 * Non-cached overhead: the same OpenAI request sent to the simulator directly, through this
 * gateway (temperature 0.7, so the cache is bypassed by rule) and through Portkey.
 */
export async function measureOverhead(
  context: BenchContext,
  simulator: ProviderSimulator,
  gateway: GatewayProcess,
  portkey: PortkeyProcess,
): Promise<OverheadRuns> {
  const urls: Record<OverheadTarget, { url: string; headers: Record<string, string> }> = {
    direct: {
      url: `${simulator.openaiBaseUrl}/chat/completions`,
      headers: { authorization: `Bearer ${apiKey}` },
    },
    gateway: { url: `${gateway.url}/v1/chat/completions`, headers: {} },
    portkey: {
      url: `${portkey.url}/v1/chat/completions`,
      headers: portkeyHeaders(simulator.openaiBaseUrl, apiKey),
    },
  };
  const body = (index: number, stream: boolean): string =>
    JSON.stringify({
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: `Benchmark question number ${index}: how fast is the gateway?` },
      ],
      temperature: 0.7,
      ...(stream ? { stream: true } : {}),
    });

  const run = async (
    target: OverheadTarget,
    concurrency: number,
    requests: number,
    stream: boolean,
  ): Promise<LoadResult> => {
    const label = `${target}, ${concurrency === 1 ? "sequential" : `${concurrency} concurrent`}${stream ? ", streaming" : ""}`;
    const result = await runLoad(
      async (index) => {
        const response = await context.client.post(
          urls[target].url,
          body(index, stream),
          urls[target].headers,
        );
        return (
          response.status === 200 &&
          response.body.includes("Simulated-") &&
          (!stream || response.body.includes("[DONE]"))
        );
      },
      {
        concurrency,
        requests,
        warmup: 100,
        timeLimitMs: 12_000,
        onProgress: (done) => context.progress.counter(label, done, requests),
      },
    );
    context.progress.endCounter();
    context.progress.note(
      `${label}: ${result.latencies.length} ok, ${result.errors} errors, ${result.requestsPerSecond.toFixed(0)} req/s`,
    );
    return result;
  };

  const targets: OverheadTarget[] = ["direct", "gateway", "portkey"];
  const runs: Partial<OverheadRuns> = {};
  for (const [mode, concurrency, count, stream] of [
    ["sequential", 1, scaled(context, 2000), false],
    ["concurrent16", 16, scaled(context, 6000), false],
    ["streamingSequential", 1, scaled(context, 600), true],
  ] as const) {
    const results: Partial<Record<OverheadTarget, LoadResult>> = {};
    for (const target of targets) results[target] = await run(target, concurrency, count, stream);
    runs[mode] = results as Record<OverheadTarget, LoadResult>;
  }
  return runs as OverheadRuns;
}
