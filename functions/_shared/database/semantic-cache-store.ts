// The semantic cache on Postgres + pgvector (table `entry_semantic_cache`, supabase/migrations/):
// a request whose embedding lies within a cosine distance threshold of a stored one, in the same
// scope, namespace, requested model and embedding model, gets the stored answer. Every call goes
// through the guarded client, so an outage is a miss-like "unavailable", never an error.
//
// A lookup takes the nearest candidates by Hamming distance between binary-quantized embeddings
// (the small HNSW index of 20250720000000_semantic_cache_binary_index.sql) and re-ranks them by
// their exact cosine distance: walking the full-precision index costs a 1536-dimension distance
// per visited node, which alone used most of the lookup's 5 ms budget on PGlite.
import type postgres from "postgres";
import type { DatabaseClient } from "./database-client.ts";

/** The seeds' threshold: reuse a prior answer when the cosine distance is at most 0.12. */
export const defaultDistanceThreshold = 0.12;

/**
 * Candidates a lookup takes from the binary index before re-ranking them by cosine distance.
 * A paraphrase is far closer than anything else in its scope, so a few suffice.
 */
export const defaultCandidateCount = 20;

/**
 * `hnsw.ef_search` of a lookup: how many nodes the HNSW walk keeps in its list. Bits lose detail,
 * so the walk is wider than pgvector's default of 40 (cheap: a Hamming distance is 24 popcounts).
 */
export const defaultSearchListSize = 100;

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
      /**
       * Cosine distance of the nearest candidate in scope (the candidates come from the binary
       * index, so this is approximate), null when the scope has no live entry.
       */
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
  /**
   * Candidates taken from the binary index before the exact re-ranking.
   * @default 20
   */
  candidateCount?: number;
  /**
   * `hnsw.ef_search` of the lookup's transaction (pgvector's default is 40).
   * @default 100
   */
  searchListSize?: number;
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
  const candidateCount = options.candidateCount ?? defaultCandidateCount;
  const searchListSize = String(options.searchListSize ?? defaultSearchListSize);
  const database = options.database;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new Error(`dimensions must be a positive integer, got ${dimensions}`);
  }

  return {
    async lookup(scope, embedding) {
      const at = new Date(now()).toISOString();
      // Operators and types are schema-qualified: pgvector lives in `extensions` on Supabase, which
      // a pooled connection's search_path may not include.
      const outcome = await database.run("semantic_cache.lookup", (sql) => {
        // Inside the guarded call: a malformed embedding is "unavailable", not a thrown error.
        const vector = vectorLiteral(embedding, dimensions);
        // The index's expression, repeated exactly so the planner matches it (the size is a type
        // modifier, which cannot be a parameter; `dimensions` is a checked integer).
        const bits = sql.unsafe(`extensions.binary_quantize(embedding)::bit(${dimensions})`);
        // One statement, so one transaction behind a transaction pooler: `set_config(..., true)`
        // lasts until the statement ends, and the lateral subquery, which depends on the settings
        // row, runs after it. Iterative scanning makes an HNSW walk whose first nodes belong to
        // other scopes go on until it has candidates in this one instead of returning none. When
        // the scope is small the planner takes the scope index and sorts instead.
        return sql<Array<{ id: string; response: unknown; tier: string | null; distance: number }>>`
          select nearest.id, nearest.response, nearest.tier, nearest.distance
          from (
            select ${vector}::extensions.vector as query,
              set_config('hnsw.iterative_scan', 'relaxed_order', true) as iterative_scan,
              set_config('hnsw.ef_search', ${searchListSize}, true) as ef_search
          ) as settings
          cross join lateral (
            select id, response, tier,
              embedding operator(extensions.<=>) settings.query as distance
            from public.entry_semantic_cache
            where scope = ${scope.scope}
              and namespace = ${scope.namespace}
              and model = ${scope.model}
              and embedding_model = ${scope.embeddingModel}
              and expires_at > ${at}::timestamptz
            order by ${bits} operator(extensions.<~>) extensions.binary_quantize(settings.query)
            limit ${candidateCount}
          ) as nearest
          order by nearest.distance
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
