import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../../test/supabase/management-api-server";
import { providerConfig } from "../../test/supabase/provider-config";
import { accessTokenConfigKey } from "./access-token";
import {
  createMigrationsProvider,
  type MigrationsProviderInputs,
  type MigrationsProviderOutputs,
} from "./migrations-provider";
import { migrationFiles, readMigrations } from "./migrations-source";

const accessToken = "sbp_migrations_provider_token";
const projectRef = "migrateref";
const repositoryMigrations = path.resolve(__dirname, "..", "..", "supabase", "migrations");

const migrationsProvider = createMigrationsProvider();
let server: ManagementApiServer;
let workspace: string;

beforeAll(async () => {
  server = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
  await migrationsProvider.configure!({
    config: providerConfig({ [accessTokenConfigKey]: accessToken }),
  });
  await server.database(projectRef);
});

afterAll(async () => {
  await server.stop();
});

beforeEach(async () => {
  server.clearRequests();
  await server.resetDatabases();
  workspace = await mkdtemp(path.join(tmpdir(), "migrations-provider-"));
  return () => rm(workspace, { recursive: true, force: true });
});

function inputs(directory: string): MigrationsProviderInputs {
  return {
    apiUrl: server.url,
    accessToken,
    projectRef,
    migrationsDirectory: directory,
    migrations: migrationFiles(readMigrations(directory)),
  };
}

async function writeMigrations(files: Record<string, string>): Promise<string> {
  for (const [name, sql] of Object.entries(files)) {
    await writeFile(path.join(workspace, name), sql);
  }
  return workspace;
}

async function rows(query: string): Promise<Array<Record<string, unknown>>> {
  const result = await (await server.database(projectRef)).query<Record<string, unknown>>(query);
  return result.rows;
}

async function applied(directory: string): Promise<MigrationsProviderOutputs> {
  const result = await migrationsProvider.create(inputs(directory));
  server.clearRequests();
  return result.outs as MigrationsProviderOutputs;
}

function appliedMigrationRequests(): number {
  return server.requests.filter((request) =>
    String((request.body as { query?: string } | undefined)?.query ?? "").startsWith("begin;"),
  ).length;
}

const first = { "20250101000000_first.sql": "create table if not exists one (id int);\n" };
const second = { "20250102000000_second.sql": "create table if not exists two (id int);\n" };

describe("migrationsProvider.create", () => {
  it("applies the repository's migrations to an empty database", async () => {
    await migrationsProvider.create(inputs(repositoryMigrations));

    const tables = await rows(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      "entry_semantic_cache",
      "llm_cache_effectiveness",
      "llm_job_steps",
      "llm_jobs",
      "llm_request_ledger",
    ]);
  });

  it("records each migration as the Supabase CLI does: version, name and its statements", async () => {
    const directory = await writeMigrations(first);

    await migrationsProvider.create(inputs(directory));

    expect(
      await rows("select version, name, statements from supabase_migrations.schema_migrations"),
    ).toEqual([
      {
        version: "20250101000000",
        name: "first",
        statements: ["create table if not exists one (id int);\n"],
      },
    ]);
  });

  it("stores the applied migrations in its outputs, without the token", async () => {
    const directory = await writeMigrations(first);

    const result = await migrationsProvider.create(inputs(directory));

    expect(result.outs?.applied).toEqual([
      { version: "20250101000000", name: "first", sha256: inputs(directory).migrations[0].sha256 },
    ]);
    expect(JSON.stringify(result.outs)).not.toContain(accessToken);
  });

  it("applies nothing when every migration is already recorded", async () => {
    const directory = await writeMigrations(first);
    await applied(directory);

    await migrationsProvider.create(inputs(directory));

    expect(appliedMigrationRequests()).toBe(0);
  });

  it("stops at a failing migration, naming its file and the database's error", async () => {
    const directory = await writeMigrations({
      ...first,
      "20250101120000_broken.sql": "create table broken (id int);\nselect * from missing_table;\n",
      ...second,
    });

    await expect(migrationsProvider.create(inputs(directory))).rejects.toThrow(
      /20250101120000_broken\.sql failed.*POST \/v1\/projects\/migrateref\/database\/query answered 400.*relation "missing_table" does not exist/,
    );
  });

  it("leaves nothing of a failed migration and applies none after it", async () => {
    const directory = await writeMigrations({
      ...first,
      "20250101120000_broken.sql": "create table broken (id int);\nselect * from missing_table;\n",
      ...second,
    });

    await migrationsProvider.create(inputs(directory)).catch(() => undefined);

    const tables = await rows(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    const history = await rows("select version from supabase_migrations.schema_migrations");
    expect([tables, history]).toEqual([[{ table_name: "one" }], [{ version: "20250101000000" }]]);
  });

  it("adopts a migration applied by `supabase db push` instead of running it again", async () => {
    const directory = await writeMigrations(first);
    const database = await server.database(projectRef);
    await database.exec(`create schema supabase_migrations;
      create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text);
      insert into supabase_migrations.schema_migrations values ('20250101000000', null, 'first');`);

    const result = await migrationsProvider.create(inputs(directory));

    expect([appliedMigrationRequests(), result.outs?.applied[0].sha256]).toEqual([
      0,
      inputs(directory).migrations[0].sha256,
    ]);
  });
});

describe("migrationsProvider.diff", () => {
  it("reports no change when the files and the database agree", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);

    expect(await migrationsProvider.diff!("id", outs, inputs(directory))).toEqual({
      changes: false,
    });
  });

  it("reports a change for a new migration file", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await writeMigrations(second);

    expect(await migrationsProvider.diff!("id", outs, inputs(directory))).toEqual({
      changes: true,
    });
  });

  it("reports a change when the database forgot an applied migration", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await (await server.database(projectRef)).exec("drop schema supabase_migrations cascade");

    expect(await migrationsProvider.diff!("id", outs, inputs(directory))).toEqual({
      changes: true,
    });
  });

  it("fails, naming the file, when an applied migration was edited", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await writeMigrations({ "20250101000000_first.sql": "create table one (id bigint);\n" });

    await expect(migrationsProvider.diff!("id", outs, inputs(directory))).rejects.toThrow(
      `${directory}/20250101000000_first.sql changed after it was applied`,
    );
  });

  it("replaces the resource when the project changes", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);

    expect(
      await migrationsProvider.diff!("id", outs, { ...inputs(directory), projectRef: "other" }),
    ).toEqual({ changes: true, replaces: ["projectRef"] });
  });
});

describe("migrationsProvider.update", () => {
  it("applies only the new migration", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await writeMigrations(second);

    const result = await migrationsProvider.update!("id", outs, inputs(directory));

    expect([appliedMigrationRequests(), result.outs?.applied.map((each) => each.version)]).toEqual([
      1,
      ["20250101000000", "20250102000000"],
    ]);
  });

  it("refuses an edited applied migration, naming the file, and applies nothing", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await writeMigrations({ "20250101000000_first.sql": "create table one (id bigint);\n" });
    await writeMigrations(second);

    await expect(migrationsProvider.update!("id", outs, inputs(directory))).rejects.toThrow(
      "20250101000000_first.sql changed after it was applied",
    );
    expect(appliedMigrationRequests()).toBe(0);
  });

  it("refuses a file that changed since the program read it", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await writeMigrations(second);
    const planned = inputs(directory);
    await writeMigrations({ "20250102000000_second.sql": "create table two (id bigint);\n" });

    await expect(migrationsProvider.update!("id", outs, planned)).rejects.toThrow(
      "20250102000000_second.sql changed between the program run and the update",
    );
  });
});

describe("migrationsProvider.read", () => {
  it("reports the object gone when the database recorded none of its migrations", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await server.resetDatabases();

    expect(await migrationsProvider.read!("id", outs)).toEqual({});
  });

  it("reports the object gone when the project no longer exists", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);

    expect(await migrationsProvider.read!("id", { ...outs, projectRef: "gone" })).toEqual({});
  });
});

describe("migrationsProvider.delete", () => {
  it("forgets the migrations it applied", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);

    await migrationsProvider.delete!("id", outs);

    expect(await rows("select version from supabase_migrations.schema_migrations")).toEqual([]);
  });

  it("keeps the tables and their data", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await (await server.database(projectRef)).exec("insert into one values (7)");

    await migrationsProvider.delete!("id", outs);

    expect(await rows("select id from one")).toEqual([{ id: 7 }]);
  });

  it("succeeds on a database that has no migration history", async () => {
    const directory = await writeMigrations(first);
    const outs = await applied(directory);
    await server.resetDatabases();

    await expect(migrationsProvider.delete!("id", outs)).resolves.toBeUndefined();
  });
});
