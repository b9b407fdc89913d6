import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { vaultStandInSql } from "../../functions/_shared/jobs/test/supabase-stand-ins";
import { secretDigest } from "./secret-digests";
import {
  deleteVaultEntriesSql,
  sqlStringLiteral,
  upsertVaultEntriesSql,
  vaultDigestsQuery,
} from "./vault-sql";

let database: PGlite;

beforeAll(async () => {
  database = await PGlite.create();
  await database.exec(vaultStandInSql);
});

afterAll(async () => {
  await database?.close();
});

beforeEach(async () => {
  await database.exec("delete from vault.secrets");
});

async function entries(): Promise<Record<string, string>> {
  const rows = await database.query<{ name: string; decrypted_secret: string }>(
    "select name, decrypted_secret from vault.decrypted_secrets order by name",
  );
  return Object.fromEntries(rows.rows.map((row) => [row.name, row.decrypted_secret]));
}

describe("sqlStringLiteral", () => {
  it.each(["plain", "it's", "back\\slash", "\\'; drop table vault.secrets; --", "ünïcödé $$"])(
    "round-trips %j through the database",
    async (value) => {
      const result = await database.query<{ value: string }>(
        `select ${sqlStringLiteral(value, "value")} as value`,
      );

      expect(result.rows[0]?.value).toBe(value);
    },
  );

  it("refuses a NUL character, naming the value's label and not the value", () => {
    expect(() => sqlStringLiteral("to\u0000ken", "workerToken")).toThrow(
      "workerToken contains a NUL character",
    );
  });
});

describe("upsertVaultEntriesSql", () => {
  it("creates the entries that are absent", async () => {
    await database.exec(upsertVaultEntriesSql({ job_worker_token: "one", job_worker_url: "u" }));

    expect(await entries()).toEqual({ job_worker_token: "one", job_worker_url: "u" });
  });

  it("updates an existing entry in place, keeping its id", async () => {
    await database.exec(upsertVaultEntriesSql({ job_worker_token: "one" }));
    const before = await database.query<{ id: string }>("select id from vault.secrets");

    await database.exec(upsertVaultEntriesSql({ job_worker_token: "two" }));

    const after = await database.query<{ id: string }>("select id from vault.secrets");
    expect(after.rows).toEqual(before.rows);
    expect(await entries()).toEqual({ job_worker_token: "two" });
  });

  it("leaves entries of other names alone", async () => {
    await database.exec("select vault.create_secret('mine', 'other_entry')");

    await database.exec(upsertVaultEntriesSql({ job_worker_token: "one" }));

    expect(await entries()).toEqual({ job_worker_token: "one", other_entry: "mine" });
  });
});

describe("vaultDigestsQuery", () => {
  it("reports the SHA-256 of each present entry, not its value", async () => {
    await database.exec(upsertVaultEntriesSql({ job_worker_token: "it's secret" }));

    const result = await database.query(vaultDigestsQuery(["job_worker_token", "job_worker_url"]));

    expect(result.rows).toEqual([
      { name: "job_worker_token", sha256: await secretDigest("it's secret") },
    ]);
  });
});

describe("deleteVaultEntriesSql", () => {
  it("removes only the named entries, present or not", async () => {
    await database.exec(upsertVaultEntriesSql({ job_worker_token: "one", other_entry: "two" }));

    await database.exec(deleteVaultEntriesSql(["job_worker_token", "job_worker_url"]));

    expect(await entries()).toEqual({ other_entry: "two" });
  });
});
