// The semantic cache on Postgres + pgvector (table `entry_semantic_cache`, supabase/migrations/):
// a request whose embedding lies within a cosine distance threshold of a stored one, in the same
// scope, namespace, requested model and embedding model, gets the stored answer. Every call goes
// through the guarded client, so an outage is a miss-like "unavailable", never an error.
import type postgres from "postgres";
import type { DatabaseClient } from "./database-client.ts";

/** The seeds' threshold: reuse a prior answer when the cosine distance is at most 0.12. */
export const defaultDistanceThreshold = 0.12;

/**
 * Dimensions of the `embedding` column: OpenAI text-embedding-3-small, the gateway's embedding tier.
 * Another size needs a migration.
 */
export const semanticCacheDimensions = 1536;

/** Which stored answers a request may reuse: all four must match. */
export interface SemanticCacheScope {
  /** Whose answers: a hashed caller id, or a shared scope the request opted into. */
  scope: string;
  /** The deployed artifact or `cacheVersion`, so a deploy can start cold. */
  namespace: string;
  /** The model or tier the request asked for. @example "tier:default" */
  model: string;
  /** The model that produced the embedding. @example "text-embedding-3-small" */
  embeddingModel: string;
}

/** An answer to keep. */
export interface SemanticCacheEntry extends SemanticCacheScope {
  /** The request's embedding ({@link semanticCacheDimensions} numbers). */
  embedding: readonly number[];
  /** The answer as served (JSON). */
  response: unknown;
  /** How long it may be served, in seconds. */
  ttlSeconds: number;
  /** The tier that answered, when any. */
  tier?: string;
  /** The application's id of the source the answer was derived from, for invalidation. */
  sourceKey?: string;
}

/** What a lookup found. */
export type SemanticLookup =
  | {
      status: "hit";
      /** Row id. */
      id: string;
      /** The stored answer. */
      response: unknown;
      /** Cosine distance between the request and the stored embedding. */
      distance: number;
      /** The tier that produced the answer, when recorded. */
      tier: string | null;
    }
  | {
      status: "miss";
      /** Distance of the nearest live entry in scope, null when there is none. */
      nearestDistance: number | null;
    }
  | { status: "unavailable" };

/** Options of {@link createSemanticCacheStore}. */
export interface SemanticCacheStoreOptions {
  /** The guarded database. */
  database: DatabaseClient;
  /**
   * Largest cosine distance that still counts as the same question.
   * @default 0.12
   */
  distanceThreshold?: number;
  /**
   * Length every embedding must have: the `embedding` column's.
   * @default 1536
   */
  dimensions?: number;
  /** Milliseconds since the epoch; stored expiry times and lookups use it. @default Date.now */
  now?: () => number;
}

/** The semantic cache's operations. */
export interface SemanticCacheStore {
  /**
   * The nearest live entry in scope, a hit when within the threshold.
   * @param scope - what must match.
   * @param embedding - the request's embedding.
   */
  lookup(scope: SemanticCacheScope, embedding: readonly number[]): Promise<SemanticLookup>;
  /**
   * Stores an answer until `now + ttlSeconds`.
   * @param entry - the answer and where it belongs.
   */
  store(entry: SemanticCacheEntry): Promise<"stored" | "unavailable">;
  /**
   * Deletes every entry of a scope derived from a source (the seed's "delete when the user edits
   * the entry").
   * @param target - the scope and the source key.
   */
  invalidate(target: {
    scope: string;
    sourceKey: string;
  }): Promise<{ status: "removed"; count: number } | { status: "unavailable" }>;
  /** Deletes expired entries (lookups ignore them already). */
  purgeExpired(): Promise<{ status: "removed"; count: number } | { status: "unavailable" }>;
}

/**
 * pgvector's text form of a vector, e.g. `[0.1,0.2]`. A wrong length or a non-finite number is
 * refused here, with a clearer message than the database would give.
 * @param embedding - the numbers.
 * @param dimensions - the length it must have.
 */
export function vectorLiteral(embedding: readonly number[], dimensions: number): string {
  if (embedding.length !== dimensions) {
    throw new Error(
      `an embedding has ${embedding.length} dimensions, the cache expects ${dimensions}`,
    );
  }
  for (const value of embedding) {
    if (!Number.isFinite(value)) throw new Error("an embedding holds a non-finite number");
  }
  return `[${embedding.join(",")}]`;
}

/**
 * Creates the store.
 * @param options - see {@link SemanticCacheStoreOptions}.
 */
export function createSemanticCacheStore(options: SemanticCacheStoreOptions): SemanticCacheStore {
  const threshold = options.distanceThreshold ?? defaultDistanceThreshold;
  const now = options.now ?? Date.now;
  const dimensions = options.dimensions ?? semanticCacheDimensions;
  const database = options.database;

  return {
    async lookup(scope, embedding) {
      const at = new Date(now()).toISOString();
      // The operator is schema-qualified: pgvector lives in `extensions` on Supabase, which a pooled
      // connection's search_path may not include. Ordering by the distance expression lets the
      // planner use the HNSW index, or the scope index and a sort when the scope is small.
      const outcome = await database.run("semantic_cache.lookup", (sql) => {
        // Inside the guarded call: a malformed embedding is "unavailable", not a thrown error.
        const vector = vectorLiteral(embedding, dimensions);
        const distance = sql`embedding operator(extensions.<=>) ${vector}::extensions.vector`;
        return sql<Array<{ id: string; response: unknown; tier: string | null; distance: number }>>`
          select id, response, tier, ${distance} as distance
          from public.entry_semantic_cache
          where scope = ${scope.scope}
            and namespace = ${scope.namespace}
            and model = ${scope.model}
            and embedding_model = ${scope.embeddingModel}
            and expires_at > ${at}::timestamptz
          order by ${distance}
          limit 1`;
      });
      if (!outcome.ok) return { status: "unavailable" };
      const nearest = outcome.value[0];
      if (nearest === undefined) return { status: "miss", nearestDistance: null };
      const distance = Number(nearest.distance);
      if (distance > threshold) return { status: "miss", nearestDistance: distance };
      return {
        status: "hit",
        id: String(nearest.id),
        response: nearest.response,
        distance,
        tier: nearest.tier,
      };
    },

    async store(entry) {
      const createdAt = now();
      const outcome = await database.run(
        "semantic_cache.store",
        (sql) => sql`
          insert into public.entry_semantic_cache
            (scope, namespace, model, tier, embedding_model, source_key, embedding, response, created_at, expires_at)
          values (
            ${entry.scope}, ${entry.namespace}, ${entry.model}, ${entry.tier ?? null},
            ${entry.embeddingModel}, ${entry.sourceKey ?? null}, ${vectorLiteral(entry.embedding, dimensions)}::extensions.vector,
            ${sql.json(entry.response as postgres.JSONValue)}, ${new Date(createdAt).toISOString()}::timestamptz,
            ${new Date(createdAt + entry.ttlSeconds * 1000).toISOString()}::timestamptz
          )`,
      );
      return outcome.ok ? "stored" : "unavailable";
    },

    async invalidate(target) {
      const outcome = await database.run(
        "semantic_cache.invalidate",
        (sql) => sql`
          delete from public.entry_semantic_cache
          where scope = ${target.scope} and source_key = ${target.sourceKey}`,
      );
      return outcome.ok
        ? { status: "removed", count: outcome.value.count }
        : { status: "unavailable" };
    },

    async purgeExpired() {
      const at = new Date(now()).toISOString();
      const outcome = await database.run(
        "semantic_cache.purge_expired",
        (sql) =>
          sql`delete from public.entry_semantic_cache where expires_at <= ${at}::timestamptz`,
      );
      return outcome.ok
        ? { status: "removed", count: outcome.value.count }
        : { status: "unavailable" };
    },
  };
}
