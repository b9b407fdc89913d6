import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import type { ProviderSimulator } from "../../scripts/provider-simulator/index";
import { freePort } from "../../test/support/free-port";
import { startGateway } from "../../test/support/gateway-process";
import type { GatewayProcess } from "../../test/support/gateway-process";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";
import type { LoadResult } from "../lib/load";
import { HttpClient } from "../lib/http-client";
import { runLoad } from "../lib/load";

/** Failover latency for one failure mode of the primary. */
export interface FailoverRun {
  /** Requests while the primary's breaker is closed (each pays for the failed attempt). */
  beforeBreakerOpens: LoadResult;
  /** Requests once the breaker is open (the primary is skipped). */
  afterBreakerOpens: LoadResult;
  /** The same requests sent to a tier whose first candidate is the fallback. */
  fallbackDirect: LoadResult;
  /** Breaker state read from /health after the run. */
  breakerAfter: string;
}

/** Failover with the primary refusing connections and with the primary hanging. */
export interface FailoverRuns {
  /** Anthropic base URL on a port nobody listens on. */
  refused: FailoverRun;
  /** Anthropic accepting requests and never answering (attempt timeout 100 ms). */
  hanging: FailoverRun;
}

const routes = JSON.stringify({
  failover: [
    { provider: "anthropic", model: "claude-haiku-4-5" },
    { provider: "openai", model: "gpt-4o-mini" },
  ],
  "fallback-direct": [{ provider: "openai", model: "gpt-4o-mini" }],
});

function body(tier: string, index: number): string {
  return JSON.stringify({
    model: `tier:${tier}`,
    messages: [{ role: "user", content: `Failover question ${index}` }],
    temperature: 0.7,
  });
}

async function breakerState(context: BenchContext, gateway: GatewayProcess): Promise<string> {
  const health = JSON.parse((await context.client.get(`${gateway.url}/health`)).body) as {
    providers?: Record<string, { breaker?: string }>;
  };
  return health.providers?.anthropic?.breaker ?? "unknown";
}

async function measureMode(
  context: BenchContext,
  label: string,
  gateway: GatewayProcess,
  threshold: number,
  beforeCount: number,
): Promise<FailoverRun> {
  const url = `${gateway.url}/v1/chat/completions`;
  // A client of its own: no pooled socket from an earlier scenario's process can be reused here.
  const client = new HttpClient(4);
  const ask = (tier: string) => async (index: number) => {
    const response = await client.post(url, body(tier, index), {}, 15_000);
    if (response.status !== 200)
      throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    return response.headers["x-llm-provider"] === "openai";
  };
  try {
    return await measureWith(context, label, gateway, threshold, beforeCount, ask);
  } finally {
    client.close();
  }
}

async function measureWith(
  context: BenchContext,
  label: string,
  gateway: GatewayProcess,
  threshold: number,
  beforeCount: number,
  ask: (tier: string) => (index: number) => Promise<boolean>,
): Promise<FailoverRun> {
  // No warm-up here: every failover request counts towards the breaker threshold.
  const beforeBreakerOpens = await runLoad(ask("failover"), {
    concurrency: 1,
    requests: Math.min(beforeCount, threshold - 2),
    warmup: 0,
    timeLimitMs: 15_000,
  });
  for (
    let index = 0;
    index < threshold + 2 && (await breakerState(context, gateway)) !== "open";
    index += 1
  ) {
    await ask("failover")(10_000 + index).catch(() => false);
  }
  const count = scaled(context, 2000);
  const afterBreakerOpens = await runLoad(ask("failover"), {
    concurrency: 1,
    requests: count,
    warmup: 50,
    timeLimitMs: 10_000,
  });
  const fallbackDirect = await runLoad(ask("fallback-direct"), {
    concurrency: 1,
    requests: count,
    warmup: 50,
    timeLimitMs: 10_000,
  });
  const breakerAfter = await breakerState(context, gateway);
  context.progress.note(
    `${label}: ${beforeBreakerOpens.latencies.length} before / ${afterBreakerOpens.latencies.length} after the breaker opened (now ${breakerAfter})`,
  );
  return { beforeBreakerOpens, afterBreakerOpens, fallbackDirect, breakerAfter };
}

/** Starts one gateway per failure mode (breaker local, half-open delay long enough not to probe). */
export async function measureFailover(
  context: BenchContext,
  simulator: ProviderSimulator,
): Promise<FailoverRuns> {
  const common = {
    OPENAI_API_KEY: "sk-bench-0123456789",
    OPENAI_BASE_URL: simulator.openaiBaseUrl,
    ANTHROPIC_API_KEY: "sk-ant-bench-0123456789",
    LLM_ROUTES: routes,
    LLM_MAX_RETRIES: "0",
    LLM_BREAKER_HALF_OPEN_AFTER_MS: "600000",
  };
  const closedPort = await freePort();
  const refusedThreshold = 150;
  const refusedGateway = await startGateway({
    captureOutput: false,
    env: {
      ...common,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${closedPort}/anthropic`,
      LLM_BREAKER_THRESHOLD: String(refusedThreshold),
    },
  });
  let refused: FailoverRun;
  try {
    refused = await measureMode(
      context,
      "primary refusing connections",
      refusedGateway,
      refusedThreshold,
      120,
    );
  } finally {
    await refusedGateway.stop();
  }

  const hangingSimulator = await startProviderSimulator({ recordRequests: false });
  hangingSimulator.faults.setPersistent("anthropic", { kind: "hang" });
  const hangThreshold = 12;
  const hangingGateway = await startGateway({
    captureOutput: false,
    env: {
      ...common,
      ANTHROPIC_BASE_URL: hangingSimulator.anthropicBaseUrl,
      LLM_ATTEMPT_TIMEOUT_MS: "100",
      LLM_BREAKER_THRESHOLD: String(hangThreshold),
    },
  });
  let hanging: FailoverRun;
  try {
    hanging = await measureMode(context, "primary hanging", hangingGateway, hangThreshold, 10);
  } finally {
    await hangingGateway.stop();
    await hangingSimulator.close();
  }
  return { refused, hanging };
}
