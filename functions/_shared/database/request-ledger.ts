// The cost ledger writer: one row per answered request in `llm_request_ledger`
// (supabase/migrations/), written in batches after the answer. `record` resolves once the entry's
// batch is written or dropped, so the gateway can hand it to `EdgeRuntime.waitUntil` (or a tracked
// background task locally) and the isolate lives until the row is safe. An unavailable database
// drops the batch (counted), never delays or fails an answer.
import type { DatabaseClient } from "./database-client.ts";

/** Which layer answered. */
export type CacheLayer = "none" | "exact" | "semantic";

/** One request, without any personal data. */
export interface LedgerEntry {
  /** When the request arrived, in milliseconds since the epoch. @default now */
  requestedAt?: number;
  /** `chat`, `embeddings` or `responses`. */
  endpoint: string;
  /** The tier the request was routed through. @example "default" */
  tier?: string;
  /** The provider that answered (for a cache hit: the cached answer's). @example "openai" */
  provider?: string;
  /** The model that answered. @example "gpt-4o-mini" */
  model?: string;
  /** Prompt tokens billed (0 for a cache hit). */
  inputTokens: number;
  /** Completion tokens billed (0 for a cache hit). */
  outputTokens: number;
  /** What the request cost, USD. */
  costUsd: number;
  /** Which layer answered. */
  cacheLayer: CacheLayer;
  /** What a provider call would have cost, for a cache hit, USD. */
  costAvoidedUsd: number;
  /**
   * What the gateway's own embedding of the request (for the semantic cache) cost, USD; 0 when it
   * came from the embedding cache.
   * @default 0
   */
  embeddingCostUsd?: number;
  /** HTTP status of the answer. */
  status?: number;
  /** Time to the answer in milliseconds. */
  latencyMs?: number;
}

/** What one flush did. */
export interface LedgerFlush {
  /** Rows written. */
  written: number;
  /** Rows dropped because the database was unavailable. */
  dropped: number;
}

/** Options of {@link createRequestLedger}. */
export interface RequestLedgerOptions {
  /** The guarded database. */
  database: DatabaseClient;
  /** The stack the gateway runs in, stored on every row. @example "staging" */
  environment: string;
  /**
   * Rows per insert; a full batch is written at once.
   * @default 50
   */
  batchSize?: number;
  /**
   * How long a partial batch waits for more rows before it is written, in milliseconds.
   * @default 200
   */
  flushDelayMs?: number;
  /**
   * Most rows queued or being written at once; while the database is slow, rows beyond it are
   * dropped at once rather than held.
   * @default 5000
   */
  maxBuffered?: number;
  /** Called with the number of rows dropped (unavailable database, or too many rows held). */
  onDropped?: (count: number) => void;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/** The ledger writer. */
export interface RequestLedger {
  /**
   * Queues a row; resolves (never rejects) when its batch was written or dropped.
   * @param entry - the request.
   */
  record(entry: LedgerEntry): Promise<void>;
  /** Writes everything queued now. */
  flush(): Promise<LedgerFlush>;
  /** Rows queued or being written. */
  readonly pending: number;
}

interface Queued {
  row: Record<string, string | number | null>;
  settle: () => void;
}

const columns = [
  "requested_at",
  "environment",
  "endpoint",
  "tier",
  "provider",
  "model",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "cache_layer",
  "cost_avoided_usd",
  "embedding_cost_usd",
  "status",
  "latency_ms",
] as const;

/**
 * Creates a ledger writer.
 * @param options - see {@link RequestLedgerOptions}.
 */
export function createRequestLedger(options: RequestLedgerOptions): RequestLedger {
  const batchSize = Math.max(1, options.batchSize ?? 50);
  const flushDelayMs = options.flushDelayMs ?? 200;
  const maxBuffered = Math.max(batchSize, options.maxBuffered ?? 5000);
  const now = options.now ?? Date.now;
  let queue: Queued[] = [];
  let writing = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const toRow = (entry: LedgerEntry): Queued["row"] => ({
    requested_at: new Date(entry.requestedAt ?? now()).toISOString(),
    environment: options.environment,
    endpoint: entry.endpoint,
    tier: entry.tier ?? null,
    provider: entry.provider ?? null,
    model: entry.model ?? null,
    input_tokens: Math.max(0, Math.round(entry.inputTokens)),
    output_tokens: Math.max(0, Math.round(entry.outputTokens)),
    cost_usd: Math.max(0, entry.costUsd),
    cache_layer: entry.cacheLayer,
    cost_avoided_usd: Math.max(0, entry.costAvoidedUsd),
    embedding_cost_usd: Math.max(0, entry.embeddingCostUsd ?? 0),
    status: entry.status ?? null,
    latency_ms: entry.latencyMs === undefined ? null : Math.max(0, Math.round(entry.latencyMs)),
  });

  const writeBatch = async (batch: Queued[]): Promise<LedgerFlush> => {
    const rows = batch.map((queued) => queued.row);
    writing += batch.length;
    const outcome = await options.database.run(
      "request_ledger.insert",
      (sql) => sql`insert into public.llm_request_ledger ${sql(rows, columns)}`,
    );
    writing -= batch.length;
    for (const queued of batch) queued.settle();
    if (outcome.ok) return { written: batch.length, dropped: 0 };
    options.onDropped?.(batch.length);
    return { written: 0, dropped: batch.length };
  };

  const flush = async (): Promise<LedgerFlush> => {
    clearTimeout(timer);
    timer = undefined;
    const total: LedgerFlush = { written: 0, dropped: 0 };
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batchSize);
      const result = await writeBatch(batch);
      total.written += result.written;
      total.dropped += result.dropped;
    }
    return total;
  };

  return {
    get pending() {
      return queue.length + writing;
    },
    record(entry) {
      return new Promise<void>((resolve) => {
        if (queue.length + writing >= maxBuffered) {
          options.onDropped?.(1);
          resolve();
          return;
        }
        queue.push({ row: toRow(entry), settle: resolve });
        if (queue.length >= batchSize) {
          void flush();
        } else if (timer === undefined) {
          timer = setTimeout(() => void flush(), flushDelayMs);
        }
      });
    },
    flush,
  };
}
