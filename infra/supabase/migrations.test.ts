import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks } from "../../test/pulumi";
import { SupabaseMigrations } from "./migrations";
import { migrationFiles, readMigrations } from "./migrations-source";

const recorder = installRecordingMocks({ stack: "staging" });
const migrationsType = "pulumi-nodejs:dynamic/supabase:Migrations";
const accessToken = "sbp_plaintext_migrations_token";

beforeAll(async () => {
  new SupabaseMigrations("database-migrations", {
    projectRef: "abcdefghijklmnopqrst",
    accessToken,
  });
  await recorder.settled();
});

describe("SupabaseMigrations", () => {
  it("passes every migration of supabase/migrations with its digest, in order", () => {
    const registered = recorder.named(migrationsType, "database-migrations");
    const expected = migrationFiles(
      readMigrations(path.resolve(__dirname, "..", "..", "supabase", "migrations")),
    );

    expect(registered.inputs.migrations).toEqual(expected);
  });

  it("names the folder relative to the Pulumi project, for the provider host in infra/", () => {
    expect(recorder.named(migrationsType, "database-migrations").inputs.migrationsDirectory).toBe(
      "supabase/migrations",
    );
  });

  it("registers the access token as a secret", () => {
    expect(recorder.named(migrationsType, "database-migrations").secretInputs).toContain(
      "accessToken",
    );
  });

  it("prints no access token in its inputs", () => {
    expect(
      JSON.stringify(recorder.named(migrationsType, "database-migrations").redactedInputs),
    ).not.toContain(accessToken);
  });
});
