import { beforeEach, describe, expect, it } from "vitest";
import type { DatabaseClient, DatabaseOutcome } from "../../_shared/database/database-client.ts";
import { RecordingTracer } from "../test/recording-tracer.ts";
import { traceDatabase } from "./traced-database.ts";
import { noopTracer } from "./tracing.ts";

/** A database client whose every call answers `outcome`. */
function answering(outcome: DatabaseOutcome<unknown>): DatabaseClient {
  return {
    available: outcome.ok,
    run: <T>() => Promise.resolve(outcome as DatabaseOutcome<T>),
    close: () => Promise.resolve(),
  };
}

let tracer: RecordingTracer;

beforeEach(async () => {
  tracer = await RecordingTracer.create();
});

/** Runs one call of `database` under a request span; returns that span's id. */
async function callInRequest(database: DatabaseClient): Promise<string> {
  const request = tracer.startSpan("POST /v1/chat/completions", "server");
  await tracer.withActiveSpan(request, () =>
    database.run("semantic_cache.lookup", () => Promise.resolve([])),
  );
  return request.spanId;
}

describe("traceDatabase", () => {
  it("records a call as a client span under the active span", async () => {
    const requestSpanId = await callInRequest(
      traceDatabase(answering({ ok: true, value: [] }), tracer),
    );
    const spans = tracer.named("Database:semantic_cache.lookup");
    expect(spans.map((span) => [span.kind, span.parentSpanId])).toEqual([
      ["client", requestSpanId],
    ]);
  });

  it("names PostgreSQL and the operation with the database conventions", async () => {
    await callInRequest(traceDatabase(answering({ ok: true, value: [] }), tracer));
    expect(tracer.named("Database:semantic_cache.lookup")[0]?.attributes).toEqual({
      "db.system": "postgresql",
      "db.system.name": "postgresql",
      "db.operation.name": "semantic_cache.lookup",
    });
  });

  it("ends the span failed when the database is unavailable", async () => {
    const unavailable = answering({
      ok: false,
      reason: "unavailable",
      detail: "timeout after 1000ms",
    });
    await callInRequest(traceDatabase(unavailable, tracer));
    expect(tracer.named("Database:semantic_cache.lookup")[0]?.errorMessage).toBe(
      "database semantic_cache.lookup unavailable: timeout after 1000ms",
    );
  });

  it("keeps a value the driver quotes out of the span", async () => {
    const failed = answering({
      ok: false,
      reason: "unavailable",
      detail: '22P02: invalid input syntax for type uuid: "alice@example.com"',
    });
    await callInRequest(traceDatabase(failed, tracer));
    expect(tracer.named("Database:semantic_cache.lookup")[0]?.errorMessage).toBe(
      "database semantic_cache.lookup unavailable: SQLSTATE 22P02",
    );
  });

  it("returns the client itself when tracing is off", () => {
    const database = answering({ ok: true, value: [] });
    expect(traceDatabase(database, noopTracer)).toBe(database);
  });
});
