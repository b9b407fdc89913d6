import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../../scripts/local-platform/database";
import { startSilentTcpServer } from "../../../test/support/silent-tcp-server";
import { timeouts } from "../../../test/support/timeouts";
import { createDatabaseClient, type DatabaseClient } from "./database-client.ts";
import { createRequestLedger, type LedgerEntry } from "./request-ledger.ts";

let local: LocalDatabase;
let client: DatabaseClient;

beforeAll(async () => {
  local = await startLocalDatabase();
  client = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });
});

afterAll(async () => {
  await client?.close();
  await local?.stop();
});

beforeEach(async () => {
  await local.database.exec("truncate public.llm_request_ledger");
});

// Long enough that no test waits on it: batches are written by `flush` or by filling up.
const neverByTimer = 3_600_000;

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    requestedAt: Date.parse("2025-07-01T09:00:00Z"),
    endpoint: "chat",
    tier: "default",
    provider: "openai",
    model: "gpt-4o-mini",
    inputTokens: 120,
    outputTokens: 40,
    costUsd: 0.002,
    cacheLayer: "none",
    costAvoidedUsd: 0,
    status: 200,
    latencyMs: 850,
    ...overrides,
  };
}

async function ledgerRows(): Promise<Array<Record<string, unknown>>> {
  return (
    await local.database.query<Record<string, unknown>>(
      "select * from public.llm_request_ledger order by id",
    )
  ).rows;
}

describe("the request ledger", () => {
  it("writes a queued row on flush, with the stack's name and no other identity", async () => {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      flushDelayMs: neverByTimer,
    });
    const recorded = ledger.record(entry());

    await ledger.flush();
    await recorded;

    const [row] = await ledgerRows();
    expect(row).toMatchObject({
      environment: "staging",
      endpoint: "chat",
      tier: "default",
      provider: "openai",
      model: "gpt-4o-mini",
      input_tokens: 120,
      output_tokens: 40,
      cost_usd: "0.0020000000",
      cache_layer: "none",
      cost_avoided_usd: "0.0000000000",
      status: 200,
      latency_ms: 850,
    });
  });

  it("writes the cost of the gateway's own embedding of the request", async () => {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      flushDelayMs: neverByTimer,
    });
    const recorded = ledger.record(entry({ embeddingCostUsd: 0.00000024 }));

    await ledger.flush();
    await recorded;

    const [row] = await ledgerRows();
    expect(row?.embedding_cost_usd).toBe("0.0000002400");
  });

  it("writes no embedding cost for an entry without one", async () => {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      flushDelayMs: neverByTimer,
    });
    const recorded = ledger.record(entry());

    await ledger.flush();
    await recorded;

    const [row] = await ledgerRows();
    expect(row?.embedding_cost_usd).toBe("0.0000000000");
  });

  it("writes a full batch without waiting for the delay", async () => {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      batchSize: 3,
      flushDelayMs: neverByTimer,
    });

    await Promise.all([ledger.record(entry()), ledger.record(entry()), ledger.record(entry())]);

    expect(await ledgerRows()).toHaveLength(3);
  });

  it("writes a partial batch after the delay", async () => {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      flushDelayMs: 1,
    });

    await ledger.record(entry());

    expect(await ledgerRows()).toHaveLength(1);
  });

  it("drops the batch and settles when the database is unavailable", async () => {
    const dropped: number[] = [];
    const closed = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });
    await closed.close();
    const ledger = createRequestLedger({
      database: closed,
      environment: "staging",
      flushDelayMs: neverByTimer,
      onDropped: (count) => dropped.push(count),
    });
    const recorded = [ledger.record(entry()), ledger.record(entry())];

    const flushed = await ledger.flush();
    await Promise.all(recorded);

    expect([flushed, dropped]).toEqual([{ written: 0, dropped: 2 }, [2]]);
  });

  it("drops rows beyond maxBuffered while the database is slow", async () => {
    const silent = await startSilentTcpServer();
    const hanging = createDatabaseClient({
      url: `postgres://postgres:postgres@127.0.0.1:${silent.port}/postgres`,
      timeoutMs: timeouts.storeCall,
    });
    const dropped: number[] = [];
    const ledger = createRequestLedger({
      database: hanging,
      environment: "staging",
      batchSize: 2,
      maxBuffered: 4,
      flushDelayMs: neverByTimer,
      onDropped: (count) => dropped.push(count),
    });
    const held = [1, 2, 3, 4].map(() => ledger.record(entry()));

    await ledger.record(entry());

    expect([ledger.pending, dropped]).toEqual([4, [1]]);
    await hanging.close();
    await silent.close();
    await Promise.all(held);
  });
});

describe("the cache-effectiveness view", () => {
  // A replayed day and a half of traffic: provider answers, exact and semantic hits, some of them
  // with the gateway's own embedding of the request.
  const replay: LedgerEntry[] = [
    entry({
      requestedAt: Date.parse("2025-07-01T08:00:00Z"),
      costUsd: 0.004,
      embeddingCostUsd: 0.0002,
    }),
    entry({ requestedAt: Date.parse("2025-07-01T09:00:00Z"), costUsd: 0.006 }),
    entry({
      requestedAt: Date.parse("2025-07-01T10:00:00Z"),
      cacheLayer: "exact",
      costUsd: 0,
      costAvoidedUsd: 0.004,
      inputTokens: 0,
      outputTokens: 0,
    }),
    entry({
      requestedAt: Date.parse("2025-07-01T23:59:59Z"),
      cacheLayer: "semantic",
      costUsd: 0.0001,
      costAvoidedUsd: 0.006,
      embeddingCostUsd: 0.0003,
    }),
    entry({ requestedAt: Date.parse("2025-07-02T00:00:00Z"), costUsd: 0.01 }),
    entry({
      requestedAt: Date.parse("2025-07-02T01:00:00Z"),
      cacheLayer: "semantic",
      costUsd: 0,
      costAvoidedUsd: 0.01,
    }),
    entry({ requestedAt: Date.parse("2025-07-02T02:00:00Z"), costUsd: 0.002 }),
  ];

  /** The figures computed here from the replay, independently of the view's SQL. */
  function expectedDay(day: string) {
    const rows = replay.filter(
      (row) => new Date(row.requestedAt ?? 0).toISOString().slice(0, 10) === day,
    );
    const cached = rows.filter((row) => row.cacheLayer !== "none");
    const answers = rows.reduce((sum, row) => sum + row.costUsd, 0);
    const embeddings = rows.reduce((sum, row) => sum + (row.embeddingCostUsd ?? 0), 0);
    const avoided = rows.reduce((sum, row) => sum + row.costAvoidedUsd, 0);
    return {
      day,
      totalRequests: rows.length,
      cachedRequests: cached.length,
      exactHits: cached.filter((row) => row.cacheLayer === "exact").length,
      semanticHits: cached.filter((row) => row.cacheLayer === "semantic").length,
      hitRatePercent: Math.round((10000 * cached.length) / rows.length) / 100,
      actualCostUsd: answers + embeddings,
      costAvoidedUsd: avoided,
      costWithoutCacheUsd: answers + avoided,
      savingsPercent: Math.round((10000 * (avoided - embeddings)) / (answers + avoided)) / 100,
      embeddingCostUsd: embeddings,
    };
  }

  async function viewRows() {
    const ledger = createRequestLedger({
      database: client,
      environment: "staging",
      flushDelayMs: neverByTimer,
    });
    for (const row of replay) void ledger.record(row);
    await ledger.flush();
    const result = await local.database.query<Record<string, unknown>>(
      "select * from public.llm_cache_effectiveness where environment = 'staging' order by day",
    );
    return result.rows.map((row) => ({
      day: (row.day as Date).toISOString().slice(0, 10),
      totalRequests: Number(row.total_requests),
      cachedRequests: Number(row.cached_requests),
      exactHits: Number(row.exact_hits),
      semanticHits: Number(row.semantic_hits),
      hitRatePercent: Number(row.cache_hit_rate_percent),
      actualCostUsd: Number(row.actual_cost_usd),
      costAvoidedUsd: Number(row.cost_avoided_usd),
      costWithoutCacheUsd: Number(row.cost_without_cache_usd),
      savingsPercent: Number(row.cost_savings_percent),
      embeddingCostUsd: Number(row.embedding_cost_usd),
    }));
  }

  it("returns per UTC day the requests, hits, hit rate, cost, cost avoided and savings", async () => {
    const rows = await viewRows();

    const expected = [expectedDay("2025-07-01"), expectedDay("2025-07-02")];
    const counts = (row: (typeof expected)[number]) => ({
      ...row,
      actualCostUsd: Number(row.actualCostUsd.toFixed(10)),
      costAvoidedUsd: Number(row.costAvoidedUsd.toFixed(10)),
      costWithoutCacheUsd: Number(row.costWithoutCacheUsd.toFixed(10)),
      embeddingCostUsd: Number(row.embeddingCostUsd.toFixed(10)),
    });
    expect(rows.map(counts)).toEqual(expected.map(counts));
  });

  it("counts the gateway's embeddings in what the day cost", async () => {
    const [first] = await viewRows();

    expect(first?.actualCostUsd).toBeCloseTo(0.004 + 0.0002 + 0.006 + 0.0001 + 0.0003, 10);
  });

  it("leaves the embeddings out of what the day would have cost without a cache", async () => {
    const [first] = await viewRows();

    expect(first?.costWithoutCacheUsd).toBeCloseTo(0.004 + 0.006 + 0.0001 + 0.004 + 0.006, 10);
  });
});
