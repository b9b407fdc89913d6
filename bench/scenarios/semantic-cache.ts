// The cost layer's paraphrase workload: the same seeded stream of questions, a known fraction of
// them paraphrases of earlier ones, replayed through a gateway with the exact cache only and
// through one with the exact and the semantic cache (PGlite + pgvector), and the semantic lookup's
// latency on a miss with 10,000 entries in scope.
import { createDatabaseClient } from "../../functions/_shared/database/database-client";
import { createSemanticCacheStore } from "../../functions/_shared/database/semantic-cache-store";
import { similarityEmbedding } from "../../functions/_shared/similarity-embedding";
import { startLocalDatabase } from "../../scripts/local-platform/database";
import { startProviderSimulator } from "../../scripts/provider-simulator/index";
import { gatewayEnv } from "../../test/support/gateway-env";
import { startGateway } from "../../test/support/gateway-process";
import { fetchMetrics, metricSum } from "../../test/support/prometheus";
import type { BenchContext } from "../lib/context";
import { scaled } from "../lib/context";

/** One configuration's outcome on the workload. */
export interface ParaphraseRun {
  /** Requests answered from a cache / requests. */
  hitRate: number;
  /** Hits by layer. */
  exactHits: number;
  semanticHits: number;
  /** USD the hits avoided (`llm_gateway_cost_avoided_usd_total`). */
  savedUsd: number;
  /** USD the provider calls cost (`llm_gateway_cost_usd_total`, chat model). */
  spentUsd: number;
}

/** What the scenario measured. */
export interface SemanticCacheResult {
  /** Requests replayed. */
  requests: number;
  /** Share of requests that paraphrase an earlier question (seeded). */
  paraphraseFraction: number;
  /** Share that repeat an earlier question word for word. */
  repeatFraction: number;
  exactOnly: ParaphraseRun;
  exactAndSemantic: ParaphraseRun;
  /** Entries in the scope of the latency probe. */
  entries: number;
  /**
   * Semantic lookup on a miss, ms: candidates from the HNSW index of binary-quantized embeddings,
   * re-ranked by cosine distance (functions/_shared/database/semantic-cache-store.ts).
   */
  missLookupP50Ms: number;
  missLookupP95Ms: number;
}

/** A small seeded generator (mulberry32), so every run replays the same workload. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const subjects = ["password", "invoice", "journal", "export", "reminder", "backup", "profile"];
const actions = ["reset", "download", "delete", "share", "rename", "restore", "schedule"];
const letters = "bcdfghjklmnpqrstvwxz";

function word(random: () => number): string {
  let text = "";
  for (let index = 0; index < 10; index += 1)
    text += letters[Math.floor(random() * letters.length)];
  return text;
}

/** The workload: questions, then repeats and paraphrases of earlier ones, in a seeded order. */
function workload(count: number, repeatFraction: number, paraphraseFraction: number): string[] {
  const random = seeded(13);
  const asked: { action: string; subject: string; topic: string }[] = [];
  const requests: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const roll = random();
    const earlier = asked[Math.floor(random() * asked.length)];
    if (earlier && roll < repeatFraction) {
      requests.push(`How do I ${earlier.action} my ${earlier.topic} ${earlier.subject}?`);
    } else if (earlier && roll < repeatFraction + paraphraseFraction) {
      requests.push(`how can I ${earlier.action} my ${earlier.topic} ${earlier.subject}`);
    } else {
      const question = {
        action: actions[Math.floor(random() * actions.length)] as string,
        subject: subjects[Math.floor(random() * subjects.length)] as string,
        topic: word(random),
      };
      asked.push(question);
      requests.push(`How do I ${question.action} my ${question.topic} ${question.subject}?`);
    }
  }
  return requests;
}

async function replay(
  requests: string[],
  databaseUrl: string | undefined,
  simulator: Awaited<ReturnType<typeof startProviderSimulator>>,
): Promise<ParaphraseRun> {
  const gateway = await startGateway({
    captureOutput: false,
    env: gatewayEnv(simulator, {
      LLM_REQUEST_DEADLINE_MS: "20000",
      LLM_ATTEMPT_TIMEOUT_MS: "10000",
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    }),
  });
  let exactHits = 0;
  let semanticHits = 0;
  try {
    for (const content of requests) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "tier:default",
          temperature: 0,
          max_tokens: 40,
          messages: [{ role: "user", content }],
        }),
      });
      await response.arrayBuffer();
      const cache = response.headers.get("x-llm-cache");
      if (cache === "hit") exactHits += 1;
      if (cache === "semantic") semanticHits += 1;
      // Answers are stored after the response: give the store its turn, as real traffic would.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const metrics = await fetchMetrics(gateway.url);
    return {
      hitRate: (exactHits + semanticHits) / requests.length,
      exactHits,
      semanticHits,
      savedUsd: metricSum(metrics, "llm_gateway_cost_avoided_usd_total"),
      spentUsd: metricSum(metrics, "llm_gateway_cost_usd_total", { model: "claude-haiku-4-5" }),
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * The semantic lookup on a miss with `entries` rows in one scope, loaded with one INSERT ... SELECT
 * while the HNSW indexes are set aside, then indexed in one build each.
 */
async function missLatency(entries: number, probes: number): Promise<number[]> {
  const local = await startLocalDatabase();
  try {
    // Inserting 10,000 rows into live HNSW graphs takes minutes on PGlite (each row walks both
    // graphs); building them over the loaded table takes well under one. The definitions are
    // the migrations' own, read back from the catalog.
    const indexes = (
      await local.database.query<{ name: string; definition: string }>(
        `select indexname as name, indexdef as definition from pg_indexes
         where schemaname = 'public' and tablename = 'entry_semantic_cache'
           and indexdef like '%USING hnsw%'`,
      )
    ).rows;
    for (const index of indexes) await local.database.exec(`drop index public.${index.name}`);
    // Random unit-ish vectors in bulk.
    await local.database.query(
      `insert into public.entry_semantic_cache
         (scope, namespace, model, embedding_model, embedding, response, expires_at)
       select 'bench', 'v1', 'tier:default', 'text-embedding-3-small',
              (select array_agg(random() - 0.5) from generate_series(1, 1536) where g > 0)::extensions.vector,
              '{"provider":"bench","model":"bench","body":"{}"}'::jsonb,
              now() + interval '1 day'
       from generate_series(1, $1) as g`,
      [entries],
    );
    // Room for the whole graph, or the build goes on row by row once it no longer fits.
    await local.database.exec("set maintenance_work_mem = '256MB'");
    for (const index of indexes) await local.database.exec(index.definition);
    await local.database.exec("reset maintenance_work_mem");
    // Fresh statistics, so the planner knows the scope holds every row and walks the HNSW index.
    await local.database.query("analyze public.entry_semantic_cache");
    const database = createDatabaseClient({ url: local.url, timeoutMs: 10_000 });
    const store = createSemanticCacheStore({ database });
    const scope = {
      scope: "bench",
      namespace: "v1",
      model: "tier:default",
      embeddingModel: "text-embedding-3-small",
    };
    const timings: number[] = [];
    for (let index = 0; index < probes + 5; index += 1) {
      const embedding = similarityEmbedding(`a question never asked before number ${index}`);
      const started = performance.now();
      const found = await store.lookup(scope, embedding);
      const elapsed = performance.now() - started;
      if (found.status === "unavailable") throw new Error("the bench database is unavailable");
      if (index >= 5) timings.push(elapsed);
    }
    await database.close();
    return timings;
  } finally {
    await local.stop();
  }
}

/** Runs the paraphrase workload both ways and the miss-latency probe. */
export async function measureSemanticCache(context: BenchContext): Promise<SemanticCacheResult> {
  const requests = scaled(context, 200, 60);
  const repeatFraction = 0.2;
  const paraphraseFraction = 0.3;
  const questions = workload(requests, repeatFraction, paraphraseFraction);
  const simulator = await startProviderSimulator({ recordRequests: false });
  const local = await startLocalDatabase();
  let exactOnly: ParaphraseRun;
  let exactAndSemantic: ParaphraseRun;
  try {
    exactOnly = await replay(questions, undefined, simulator);
    exactAndSemantic = await replay(questions, local.url, simulator);
  } finally {
    await local.stop();
    await simulator.close();
  }
  const entries = context.scale < 1 ? 2_000 : 10_000;
  const timings = await missLatency(entries, scaled(context, 200, 40));
  const sorted = [...timings].sort((left, right) => left - right);
  const at = (share: number): number | undefined =>
    sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  const p50 = at(0.5);
  const p95 = at(0.95);
  const result: SemanticCacheResult = {
    requests,
    paraphraseFraction,
    repeatFraction,
    exactOnly,
    exactAndSemantic,
    entries,
    missLookupP50Ms: p50 ?? Number.NaN,
    missLookupP95Ms: p95 ?? Number.NaN,
  };
  context.progress.note(
    `paraphrase workload (${requests} requests, ${repeatFraction * 100} % repeats, ${paraphraseFraction * 100} % paraphrases): ` +
      `hit rate ${(exactOnly.hitRate * 100).toFixed(1)} % exact only -> ${(exactAndSemantic.hitRate * 100).toFixed(1)} % with the semantic cache; ` +
      `saved $${exactOnly.savedUsd.toFixed(4)} -> $${exactAndSemantic.savedUsd.toFixed(4)}`,
  );
  context.progress.note(
    `semantic lookup on a miss, ${entries} entries: p50 ${result.missLookupP50Ms.toFixed(2)} ms, p95 ${result.missLookupP95Ms.toFixed(2)} ms`,
  );
  return result;
}
