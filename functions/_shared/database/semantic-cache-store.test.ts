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
