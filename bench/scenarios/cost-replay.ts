import { defaultPrices } from "../../functions/llm-gateway/spend/prices";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import type { GatewayProcess } from "../../test/support/gateway-process";
import { fetchMetrics, metricSum } from "../../test/support/prometheus";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import { runLoad } from "../lib/load";
import { repeatFraction, zipfSequence } from "../lib/zipf";

/** Outcome of the replayed workload. */
export interface CostReplayResult {
  /** Requests replayed (the Zipf part). */
  requests: number;
  /** Prompts the workload draws from. */
  promptUniverse: number;
  /** Distinct prompts actually drawn. */
  distinctPrompts: number;
  /** Zipf exponent. */
  zipfExponent: number;
  /** 1 - distinct/requests: the best any cache could do on this workload. */
  repeatFraction: number;
  /** Hits / requests as reported by `x-llm-cache`. */
  hitRate: number;
  /** Calls the simulator received for the Zipf part. */
  upstreamCalls: number;
  /** Requests that failed. */
  errors: number;
  /** Cost without any cache: every request's usage at the default prices. */
  costWithoutCacheUsd: number;
  /** Cost the gateway recorded (`llm_gateway_cost_usd_total`). */
  costWithCacheUsd: number;
  /** The difference. */
  savedUsd: number;
  /** Wall time of the replay, ms. */
  elapsedMs: number;
  /** The burst: identical concurrent requests for a prompt never seen before. */
  burst: { requests: number; upstreamCalls: number; hits: number; errors: number };
}

function priceOf(model: string): { inputPerMillion: number; outputPerMillion: number } {
  const exact = defaultPrices[model];
  if (exact) return exact;
  const prefix = Object.keys(defaultPrices)
    .filter((key) => model.startsWith(key))
    .sort((left, right) => right.length - left.length)[0];
  return prefix === undefined
    ? { inputPerMillion: 0, outputPerMillion: 0 }
    : (defaultPrices[prefix] ?? { inputPerMillion: 0, outputPerMillion: 0 });
}

/**
 * Replays 20,000 deterministic requests whose prompts follow a Zipf law over 2,000 prompts, at 16
 * concurrent, through a gateway with the built-in tiers and price table; then a burst of
 * identical concurrent requests.
 */
export async function measureCostReplay(
  context: BenchContext,
  gateway: GatewayProcess,
  simulator: ProviderSimulator,
): Promise<CostReplayResult> {
  const requests = scaled(context, 20_000, 200);
  const promptUniverse = 2000;
  const zipfExponent = 1;
  const draws = zipfSequence(requests, promptUniverse, zipfExponent, 20_261_122);
  const url = `${gateway.url}/v1/chat/completions`;
  const costBefore = metricSum(await fetchMetrics(gateway.url), "llm_gateway_cost_usd_total");
  const callsBefore = simulator.requests.length;
  let hits = 0;
  let costWithoutCacheUsd = 0;
  const result = await runLoad(
    async (index) => {
      const rank = draws[index] ?? 0;
      const response = await context.client.post(
        url,
        JSON.stringify({
          model: "tier:default",
          messages: [
            { role: "system", content: "You answer questions about the product catalogue." },
            {
              role: "user",
              content: `Customer question ${rank}: which plan fits a team of ${rank % 50} people?`,
            },
          ],
          temperature: 0,
          max_tokens: 256,
        }),
      );
      if (response.status !== 200) return false;
      if (response.headers["x-llm-cache"] === "hit") hits += 1;
      const parsed = JSON.parse(response.body) as {
        usage?: { prompt_tokens: number; completion_tokens: number };
      };
      const price = priceOf(String(response.headers["x-llm-model"] ?? ""));
      costWithoutCacheUsd +=
        ((parsed.usage?.prompt_tokens ?? 0) * price.inputPerMillion +
          (parsed.usage?.completion_tokens ?? 0) * price.outputPerMillion) /
        1_000_000;
      return true;
    },
    {
      concurrency: 16,
      requests,
      warmup: 0,
      timeLimitMs: 120_000,
      onProgress: (done) => context.progress.counter("replay", done, requests),
    },
  );
  context.progress.endCounter();
  const upstreamCalls = simulator.requests.length - callsBefore;
  const costWithCacheUsd =
    metricSum(await fetchMetrics(gateway.url), "llm_gateway_cost_usd_total") - costBefore;

  const burstSize = 200;
  const burstCallsBefore = simulator.requests.length;
  const burstBody = JSON.stringify({
    model: "tier:default",
    messages: [
      { role: "user", content: `Breaking news question asked by everyone at once ${Date.now()}` },
    ],
    temperature: 0,
  });
  const burstResponses = await Promise.all(
    Array.from({ length: burstSize }, () =>
      context.client.post(url, burstBody).catch(() => undefined),
    ),
  );
  const burst = {
    requests: burstSize,
    upstreamCalls: simulator.requests.length - burstCallsBefore,
    hits: burstResponses.filter((response) => response?.headers["x-llm-cache"] === "hit").length,
    errors: burstResponses.filter((response) => response?.status !== 200).length,
  };
  context.progress.note(
    `replay: ${hits} hits of ${requests}, ${upstreamCalls} upstream calls; burst of ${burstSize}: ${burst.upstreamCalls} upstream call(s)`,
  );
  return {
    requests,
    promptUniverse,
    distinctPrompts: new Set(draws).size,
    zipfExponent,
    repeatFraction: repeatFraction(draws),
    hitRate: hits / requests,
    upstreamCalls,
    errors: result.errors,
    costWithoutCacheUsd,
    costWithCacheUsd,
    savedUsd: costWithoutCacheUsd - costWithCacheUsd,
    elapsedMs: result.elapsedMs,
    burst,
  };
}
