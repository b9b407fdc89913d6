import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compareVersions, migrationFiles, readMigrations } from "./migrations-source";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), "migrations-source-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("readMigrations", () => {
  it("lists the migrations in version order with their digests", async () => {
    await writeFile(path.join(directory, "20250102000000_second.sql"), "select 2;");
    await writeFile(path.join(directory, "20250101000000_first.sql"), "select 1;");

    expect(migrationFiles(readMigrations(directory))).toEqual([
      {
        version: "20250101000000",
        name: "first",
        sha256: createHash("sha256").update("select 1;").digest("hex"),
      },
      {
        version: "20250102000000",
        name: "second",
        sha256: createHash("sha256").update("select 2;").digest("hex"),
      },
    ]);
  });

  it("ignores files that are not SQL", async () => {
    await writeFile(path.join(directory, "README.md"), "# migrations");

    expect(readMigrations(directory)).toEqual([]);
  });

  it("refuses an SQL file named against the CLI's rule, naming it", async () => {
    await writeFile(path.join(directory, "add_table.sql"), "select 1;");

    expect(() => readMigrations(directory)).toThrow(
      `${path.join(directory, "add_table.sql")}: a migration file name must be <version>_<name>.sql`,
    );
  });

  it("refuses two files with one version, naming both", async () => {
    await writeFile(path.join(directory, "20250101000000_one.sql"), "select 1;");
    await writeFile(path.join(directory, "20250101000000_two.sql"), "select 2;");

    expect(() => readMigrations(directory)).toThrow(
      "20250101000000_one.sql and 20250101000000_two.sql",
    );
  });

  it("refuses a folder that does not exist", () => {
    expect(() => readMigrations(path.join(directory, "missing"))).toThrow("does not exist");
  });
});

describe("compareVersions", () => {
  it("orders versions as numbers", () => {
    expect(["20250101000000", "9", "100"].sort(compareVersions)).toEqual([
      "9",
      "100",
      "20250101000000",
    ]);
  });
});
