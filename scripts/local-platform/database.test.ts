import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timeouts } from "../../test/support/timeouts";
import { applyLocalMigrations, startLocalDatabase, type LocalDatabase } from "./database";

// Every migration the repository ships, as the Supabase CLI names them: <version>_<name>.sql.
const repositoryMigrations = readdirSync(path.join(__dirname, "..", "..", "supabase", "migrations"))
  .filter((file) => file.endsWith(".sql"))
  .sort()
  .map((file) => {
    const [version = "", ...name] = file.replace(/\.sql$/, "").split("_");
    return { version, name: name.join("_") };
  });

let local: LocalDatabase;

beforeAll(async () => {
  local = await startLocalDatabase();
});

afterAll(async () => {
  await local?.stop();
});

async function rows(query: string): Promise<Array<Record<string, unknown>>> {
  return (await local.database.query<Record<string, unknown>>(query)).rows;
}

describe("the local database", () => {
  it("applies every migration of the repository from scratch", async () => {
    expect(local.appliedVersions).toEqual(repositoryMigrations.map(({ version }) => version));
  });

  it("re-applies as a no-op", async () => {
    expect(await applyLocalMigrations(local.database)).toEqual([]);
  });

  it("records the migrations where `supabase db push` looks for them", async () => {
    expect(
      await rows("select version, name from supabase_migrations.schema_migrations order by 1"),
    ).toEqual(repositoryMigrations);
  });

  it("turns row-level security on for every platform table", async () => {
    expect(
      await rows(
        "select relname, relrowsecurity from pg_class where relname in ('entry_semantic_cache', 'llm_request_ledger') order by 1",
      ),
    ).toEqual([
      { relname: "entry_semantic_cache", relrowsecurity: true },
      { relname: "llm_request_ledger", relrowsecurity: true },
    ]);
  });

  it("builds an HNSW cosine index on the cache's embeddings", async () => {
    const [index] = await rows(
      "select indexdef from pg_indexes where indexname = 'entry_semantic_cache_embedding_idx'",
    );

    expect(index?.indexdef).toMatch(/USING hnsw \(embedding extensions\.vector_cosine_ops\)/);
  });

  it("sizes the embedding column to 1536 dimensions", async () => {
    const [column] = await rows(
      "select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'public.entry_semantic_cache'::regclass and attname = 'embedding'",
    );

    expect(column?.type).toBe("extensions.vector(1536)");
  });

  it("serves postgres.js over the wire protocol on a loopback port", async () => {
    const sql = postgres(local.url, { max: 1, onnotice: () => undefined });
    try {
      const [row] = await sql<
        Array<{ count: string }>
      >`select count(*) from public.llm_request_ledger`;
      expect(row.count).toBe("0");
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

describe("the migrations on a database with Supabase's client roles", () => {
  // Supabase grants every new table in `public` to anon and authenticated by default privileges;
  // the migrations must take those grants back.
  let database: PGlite;
  beforeAll(async () => {
    database = await PGlite.create({ extensions: { vector } });
    await database.exec(`create role anon nologin; create role authenticated nologin;
      alter default privileges in schema public grant all on tables to anon, authenticated;`);
    await applyLocalMigrations(database);
  }, timeouts.hook);
  afterAll(async () => {
    await database?.close();
  });

  it.each(["entry_semantic_cache", "llm_request_ledger", "llm_cache_effectiveness"])(
    "grants nothing on %s to anon or authenticated",
    async (table) => {
      const result = await database.query<{ granted: boolean }>(
        `select bool_or(has_table_privilege(role, 'public.${table}', privilege)) as granted
         from unnest(array['anon', 'authenticated']) role,
              unnest(array['select', 'insert', 'update', 'delete']) privilege`,
      );
      expect(result.rows[0]?.granted).toBe(false);
    },
  );
});

describe("applying migrations", () => {
  let database: PGlite;
  let directory: string;
  beforeAll(async () => {
    database = await PGlite.create();
    directory = await mkdtemp(path.join(tmpdir(), "local-migrations-"));
    await writeFile(
      path.join(directory, "20250101000000_first.sql"),
      "create table one (id int);\n",
    );
    await applyLocalMigrations(database, directory);
  }, timeouts.hook);
  afterAll(async () => {
    await database?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("refuses an applied migration that changed, naming the file", async () => {
    await writeFile(
      path.join(directory, "20250101000000_first.sql"),
      "create table one (id bigint);\n",
    );

    await expect(applyLocalMigrations(database, directory)).rejects.toThrow(
      "20250101000000_first.sql changed after it was applied",
    );
  });
});
