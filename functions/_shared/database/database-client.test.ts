import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../../scripts/local-platform/database";
import {
  startSilentTcpServer,
  type SilentTcpServer,
} from "../../../test/support/silent-tcp-server";
import { timeouts } from "../../../test/support/timeouts";
import { similarityEmbedding } from "../similarity-embedding.ts";
import { createDatabaseClient, type DatabaseLog } from "./database-client.ts";
import { createSemanticCacheStore } from "./semantic-cache-store.ts";

let local: LocalDatabase;
let silent: SilentTcpServer;

beforeAll(async () => {
  local = await startLocalDatabase();
  silent = await startSilentTcpServer();
});

afterAll(async () => {
  await silent?.close();
  await local?.stop();
});

function recordingLog(): DatabaseLog & { lines: Array<{ level: string; event: string }> } {
  const lines: Array<{ level: string; event: string }> = [];
  return {
    lines,
    warn: (event) => lines.push({ level: "warn", event }),
    info: (event) => lines.push({ level: "info", event }),
  };
}

const scope = {
  scope: "user:1",
  namespace: "",
  model: "tier:default",
  embeddingModel: "text-embedding-3-small",
};

describe("the database client", () => {
  it("runs statements and resolves with their value", async () => {
    const client = createDatabaseClient({ url: local.url, timeoutMs: timeouts.storeCall });

    const outcome = await client.run(
      "probe",
      (sql) => sql<Array<{ one: number }>>`select 1 as one`,
    );

    await client.close();
    expect(outcome).toMatchObject({ ok: true, value: [{ one: 1 }] });
  });
});

describe("the database client while the database is down", () => {
  // One local database whose server is stopped for these checks and started again at the end.
  let down: LocalDatabase;
  beforeAll(async () => {
    down = await startLocalDatabase();
  });
  afterAll(async () => {
    await down?.stop();
  });

  it("answers a semantic lookup with unavailable instead of throwing", async () => {
    const client = createDatabaseClient({ url: down.url, timeoutMs: timeouts.storeCall });
    await down.stopServer();
    const store = createSemanticCacheStore({ database: client });

    const found = await store.lookup(scope, similarityEmbedding("hello there"));

    await down.startServer();
    await client.close();
    expect(found).toEqual({ status: "unavailable" });
  });

  it("logs the outage once however many calls fail", async () => {
    const log = recordingLog();
    const client = createDatabaseClient({ url: down.url, timeoutMs: timeouts.storeCall, log });
    const store = createSemanticCacheStore({ database: client });
    await down.stopServer();

    await store.lookup(scope, similarityEmbedding("hello there"));
    await store.lookup(scope, similarityEmbedding("hello again"));
    await store.store({
      ...scope,
      embedding: similarityEmbedding("x"),
      response: {},
      ttlSeconds: 1,
    });

    await down.startServer();
    await client.close();
    expect(log.lines).toEqual([{ level: "warn", event: "database_unavailable" }]);
  });

  it("counts every unavailable call", async () => {
    const failures: string[] = [];
    const client = createDatabaseClient({
      url: down.url,
      timeoutMs: timeouts.storeCall,
      onUnavailable: (operation) => failures.push(operation),
    });
    const store = createSemanticCacheStore({ database: client });
    await down.stopServer();

    await store.lookup(scope, similarityEmbedding("hello there"));
    await store.invalidate({ scope: "user:1", sourceKey: "entry-1" });

    await down.startServer();
    await client.close();
    expect(failures).toEqual(["semantic_cache.lookup", "semantic_cache.invalidate"]);
  });

  it("logs the recovery once the database answers again", async () => {
    const log = recordingLog();
    const client = createDatabaseClient({ url: down.url, timeoutMs: timeouts.storeCall, log });
    await down.stopServer();
    await client.run("probe", (sql) => sql`select 1`);
    await down.startServer();

    const outcome = await client.run("probe", (sql) => sql`select 1`);

    await client.close();
    expect([outcome.ok, log.lines.map((line) => line.event)]).toEqual([
      true,
      ["database_unavailable", "database_recovered"],
    ]);
  });
});

describe("the database client against a database that never answers", () => {
  it("gives up after its timeout", async () => {
    const client = createDatabaseClient({
      url: `postgres://postgres:postgres@127.0.0.1:${silent.port}/postgres`,
      timeoutMs: 200,
    });

    const outcome = await client.run("probe", (sql) => sql`select 1`);

    await client.close();
    expect(outcome).toEqual({ ok: false, reason: "unavailable", detail: "timeout after 200ms" });
  });

  it("skips calls during the cooldown after a timeout", async () => {
    let clock = 1_000_000;
    const client = createDatabaseClient({
      url: `postgres://postgres:postgres@127.0.0.1:${silent.port}/postgres`,
      timeoutMs: 200,
      cooldownMs: 5000,
      now: () => clock,
    });
    await client.run("probe", (sql) => sql`select 1`);
    clock += 4000;

    const outcome = await client.run("probe", (sql) => sql`select 1`);

    await client.close();
    expect(outcome).toMatchObject({ detail: "skipped: the database timed out recently" });
  });
});
