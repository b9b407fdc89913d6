import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { defaultManagementApiUrl } from "./management-request";
import { migrationsProvider } from "./migrations-provider";
import {
  defaultMigrationsDirectory,
  migrationFiles,
  readMigrations,
  type MigrationFile,
} from "./migrations-source";

/** Arguments of {@link SupabaseMigrations}. */
export interface SupabaseMigrationsArgs {
  /**
   * Supabase project ref (the subdomain of `https://<ref>.supabase.co`).
   * @example "abcdefghijklmnopqrst"
   */
  projectRef: pulumi.Input<string>;
  /**
   * Management API personal access token; wrapped as a Pulumi secret here whatever it arrives as.
   * Used by check, diff, create and update; refresh and destroy read the newest token from
   * `platform:supabaseAccessToken` in the stack config instead, so it is never kept in the outputs.
   */
  accessToken: pulumi.Input<string>;
  /**
   * The migrations folder, relative to the Pulumi project (the provider finds Pulumi.yaml upwards
   * from its working directory, which the engine sets to infra/).
   * @default "supabase/migrations"
   */
  migrationsDirectory?: string;
  /**
   * The project directory the program reads the migrations from, to compute their digests.
   * @default the folder above `infra/`
   */
  projectDirectory?: string;
  /**
   * Management API base URL.
   * @default "https://api.supabase.com"
   */
  apiUrl?: pulumi.Input<string>;
}

/**
 * The SQL migrations of `supabase/migrations/` applied to one Supabase project's database, in
 * version order, recorded in `supabase_migrations.schema_migrations` as the Supabase CLI records
 * them. A new file is an update; an applied file that changed is an error naming it.
 */
export class SupabaseMigrations extends pulumi.dynamic.Resource {
  /** Project whose database is migrated. */
  declare readonly projectRef: pulumi.Output<string>;
  /** The migrations, in order, with their digests. */
  declare readonly migrations: pulumi.Output<MigrationFile[]>;
  /** The migrations the database has recorded as applied. */
  declare readonly applied: pulumi.Output<Array<{ version: string; sha256: string | null }>>;

  constructor(name: string, args: SupabaseMigrationsArgs, options?: pulumi.CustomResourceOptions) {
    const migrationsDirectory = args.migrationsDirectory ?? defaultMigrationsDirectory;
    const projectDirectory = args.projectDirectory ?? path.resolve(__dirname, "..", "..");
    const migrations = migrationFiles(
      readMigrations(path.resolve(projectDirectory, migrationsDirectory)),
    );
    super(
      migrationsProvider,
      name,
      {
        apiUrl: args.apiUrl ?? defaultManagementApiUrl,
        accessToken: pulumi.secret(args.accessToken),
        projectRef: args.projectRef,
        migrationsDirectory,
        migrations,
        applied: undefined,
      },
      // The provider never returns the token; listed so no future output could leak it.
      pulumi.mergeOptions(options, { additionalSecretOutputs: ["accessToken"] }),
      "supabase",
      "Migrations",
    );
  }
}
