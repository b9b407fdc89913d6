// Run by bench/scenarios/metrics-aggregation.ts under Deno (the gateway's runtime): in-memory
// cache hits through the gateway's handler with metrics per process, and with the cross-isolate
// aggregation on (a hash store written every 50 ms, so writes land during the run). Batches
// alternate so that drift of the machine hits both alike. Prints one JSON line.
// A `.mts` file so the root tsconfig (Node, CommonJS) leaves it to Deno:
// `deno check --config functions/deno.json bench/scenarios/metrics-aggregation.deno.mts`.
import { MemoryStore } from "../../functions/_shared/store/memory-store.ts";
import { createGatewayHandler } from "../../functions/llm-gateway/app.ts";
import { loadGatewayConfig } from "../../functions/llm-gateway/config.ts";
import { createRuntime } from "../../functions/llm-gateway/runtime.ts";

const hitsPerVariant = Number(Deno.args[0] ?? "10000");
const rounds = 20;

/** A memory store with Redis's hash increments, so the aggregation runs without a network. */
function hashMemoryStore(): MemoryStore {
  const hash = new Map<string, number>();
  return Object.assign(new MemoryStore(), {
    incrementFields: (_key: string, amounts: ReadonlyMap<string, number>) => {
      for (const [field, amount] of amounts) hash.set(field, (hash.get(field) ?? 0) + amount);
      return Promise.resolve();
    },
    getFields: () =>
      Promise.resolve(Object.fromEntries([...hash].map(([key, value]) => [key, String(value)]))),
  });
}

// The one miss that fills each cache is answered here: the script needs no network permission.
globalThis.fetch = () =>
  Promise.resolve(
    new Response(
      JSON.stringify({
        id: "chatcmpl-bench",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-mini",
        choices: [
          { index: 0, message: { role: "assistant", content: "Paris." }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 2, total_tokens: 22 },
      }),
      { status: 200, headers: { "content-type": "application/json" } },
    ),
  );

const body = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is the capital of France? Answer in one word." }],
  temperature: 0,
});

function hitRequest(): Request {
  return new Request("http://gateway.bench/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
}

const config = await loadGatewayConfig({
  OPENAI_API_KEY: "sk-bench",
  OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
  LOG_LEVEL: "warn",
  GATEWAY_METRICS_FLUSH_MS: "50",
});
const variants = {
  perProcess: createGatewayHandler(await createRuntime(config, { store: new MemoryStore() })),
  aggregated: createGatewayHandler(await createRuntime(config, { store: hashMemoryStore() })),
};
const latencies = { perProcess: [] as number[], aggregated: [] as number[] };
for (const handle of Object.values(variants)) {
  for (let index = 0; index < 500; index++) await (await handle(hitRequest())).text();
}
const perRound = Math.ceil(hitsPerVariant / rounds);
for (let round = 0; round < rounds; round++) {
  for (const name of ["perProcess", "aggregated"] as const) {
    const handle = variants[name];
    for (let index = 0; index < perRound; index++) {
      const started = performance.now();
      const response = await handle(hitRequest());
      await response.text();
      const elapsed = performance.now() - started;
      if (response.headers.get("x-llm-cache") !== "hit") throw new Error("expected a cache hit");
      latencies[name].push(elapsed);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const perProcessP50Ms = median(latencies.perProcess);
const aggregatedP50Ms = median(latencies.aggregated);
console.log(
  JSON.stringify({
    perProcessP50Ms,
    aggregatedP50Ms,
    addedP50Ms: aggregatedP50Ms - perProcessP50Ms,
    hits: latencies.perProcess.length,
  }),
);
Deno.exit(0);
