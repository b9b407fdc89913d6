import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../../scripts/local-platform/database";
import { timeouts } from "../../../test/support/timeouts";
import { similarityEmbedding } from "../similarity-embedding.ts";
import { createDatabaseClient, type DatabaseClient } from "./database-client.ts";
import {
  createSemanticCacheStore,
  type SemanticCacheScope,
  type SemanticCacheStore,
} from "./semantic-cache-store.ts";

// The SQL runs on PGlite through postgres.js over the wire protocol, as the gateway issues it.
let local: LocalDatabase;
let client: DatabaseClient;
let store: SemanticCacheStore;
let clock = Date.parse("2025-07-01T12:00:00Z");

const scope: SemanticCacheScope = {
  scope: "user:3f2a",
  namespace: "artifact-1",
  model: "tier:default",
  embeddingModel: "text-embedding-3-small",
};
const question = "How do I reset my password?";
const paraphrase = "how can I reset my password";
const answer = { id: "chatcmpl-1", choices: [{ message: { content: "Use the reset link." } }] };

beforeAll(async () => {
  local = await startLocalDatabase();
  client = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });
  store = createSemanticCacheStore({ database: client, now: () => clock });
});

afterAll(async () => {
  await client?.close();
  await local?.stop();
});

beforeEach(async () => {
  clock = Date.parse("2025-07-01T12:00:00Z");
  await local.database.exec("truncate public.entry_semantic_cache");
});

async function stored(text = question, extra: { sourceKey?: string; ttlSeconds?: number } = {}) {
  const result = await store.store({
    ...scope,
    embedding: similarityEmbedding(text),
    response: answer,
    ttlSeconds: extra.ttlSeconds ?? 3600,
    tier: "default",
    sourceKey: extra.sourceKey,
  });
  expect(result).toBe("stored");
}

/** A seeded generator (mulberry32) in [0, 1), so a test's vectors are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe("semantic cache store", () => {
  it("keeps the answer as a JSON object, queryable in SQL", async () => {
    await stored();

    const rows = await local.database.query<{ kind: string }>(
      "select jsonb_typeof(response) as kind from public.entry_semantic_cache",
    );

    expect(rows.rows).toEqual([{ kind: "object" }]);
  });
});

describe("semantic cache lookup", () => {
  it("serves a paraphrase within the threshold in the same scope, with its distance", async () => {
    await stored();

    const found = await store.lookup(scope, similarityEmbedding(paraphrase));

    expect(found).toMatchObject({ status: "hit", response: answer, tier: "default" });
    expect(found.status === "hit" && found.distance).toBeLessThanOrEqual(0.12);
  });

  it("misses the same paraphrase in another scope", async () => {
    await stored();

    const found = await store.lookup(
      { ...scope, scope: "user:9c41" },
      similarityEmbedding(paraphrase),
    );

    expect(found).toEqual({ status: "miss", nearestDistance: null });
  });

  it("misses for another requested model", async () => {
    await stored();

    const found = await store.lookup(
      { ...scope, model: "tier:smart" },
      similarityEmbedding(paraphrase),
    );

    expect(found.status).toBe("miss");
  });

  it("misses a question beyond the threshold, reporting the nearest distance", async () => {
    await stored();

    const found = await store.lookup(scope, similarityEmbedding("What is the capital of France?"));

    expect(found.status === "miss" && found.nearestDistance).toBeGreaterThan(0.12);
  });

  it("honours a configured threshold", async () => {
    await stored("Give me three tips for sleeping better");
    const strict = createSemanticCacheStore({
      database: client,
      distanceThreshold: 0.01,
      now: () => clock,
    });

    const found = await strict.lookup(
      scope,
      similarityEmbedding("Give me some tips for sleeping better"),
    );

    expect(found.status).toBe("miss");
  });

  it("misses an expired entry", async () => {
    await stored(question, { ttlSeconds: 60 });
    clock += 61_000;

    const found = await store.lookup(scope, similarityEmbedding(paraphrase));

    expect(found).toEqual({ status: "miss", nearestDistance: null });
  });

  it("finds the entry of its scope behind more than a search list of closer ones elsewhere", async () => {
    // Around one random request: this scope's entry within the threshold (about 0.06), and 150
    // entries of other scopes ten times closer, more than the HNSW walk keeps in its list (100).
    // Without iterative scanning the walk would return none of this scope.
    const random = seededRandom(7);
    const request = Array.from({ length: 1536 }, () => random() - 0.5);
    const near = (spread: number) => request.map((value) => value + (random() - 0.5) * spread);
    await store.store({ ...scope, embedding: near(0.35), response: answer, ttlSeconds: 3600 });
    const others = Array.from({ length: 150 }, () => `[${near(0.1).join(",")}]`);
    await local.database.query(
      `insert into public.entry_semantic_cache
         (scope, namespace, model, embedding_model, embedding, response, created_at, expires_at)
       select 'user:other-' || position, $1, $2, $3, vector::extensions.vector, '{}'::jsonb,
              $4::timestamptz, $4::timestamptz + interval '1 hour'
       from unnest($5::text[]) with ordinality as others (vector, position)`,
      [scope.namespace, scope.model, scope.embeddingModel, new Date(clock).toISOString(), others],
    );
    // The planner would sort so small a scope exactly; without sorting it must walk the index.
    await local.database.exec("set enable_sort = off");
    try {
      const found = await store.lookup(scope, request);

      expect(found).toMatchObject({ status: "hit", response: answer });
    } finally {
      await local.database.exec("reset enable_sort");
    }
  });

  it("changes no database setting beyond its own statement", async () => {
    await stored();

    await store.lookup(scope, similarityEmbedding(paraphrase));
    const settings = await local.database.query<{ efSearch: string; iterativeScan: string }>(
      `select current_setting('hnsw.ef_search') as "efSearch",
              current_setting('hnsw.iterative_scan') as "iterativeScan"`,
    );

    expect(settings.rows).toEqual([{ efSearch: "40", iterativeScan: "off" }]);
  });

  it("is unavailable, not an error, for an embedding of the wrong size", async () => {
    await stored();

    const found = await store.lookup(scope, [0.5, 0.5]);

    expect(found).toEqual({ status: "unavailable" });
  });
});

describe("semantic cache invalidation", () => {
  it("removes the entries of a source key in a scope", async () => {
    await stored(question, { sourceKey: "entry-17" });
    await stored("Summarize my journal entry about work", { sourceKey: "entry-17" });

    const removed = await store.invalidate({ scope: scope.scope, sourceKey: "entry-17" });

    expect(removed).toEqual({ status: "removed", count: 2 });
  });

  it("serves no invalidated entry afterwards", async () => {
    await stored(question, { sourceKey: "entry-17" });
    await store.invalidate({ scope: scope.scope, sourceKey: "entry-17" });

    const found = await store.lookup(scope, similarityEmbedding(paraphrase));

    expect(found.status).toBe("miss");
  });

  it("leaves the same source key of another scope alone", async () => {
    await stored(question, { sourceKey: "entry-17" });

    const removed = await store.invalidate({ scope: "user:9c41", sourceKey: "entry-17" });

    expect(removed).toEqual({ status: "removed", count: 0 });
  });

  it("purges expired entries", async () => {
    await stored(question, { ttlSeconds: 60 });
    await stored("What is the capital of France?", { ttlSeconds: 7200 });
    clock += 3600_000;

    expect(await store.purgeExpired()).toEqual({ status: "removed", count: 1 });
  });
});
