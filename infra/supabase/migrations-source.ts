// Reads the SQL migrations in the Supabase CLI's layout (`supabase/migrations/<version>_<name>.sql`,
// applied in version order). Serialized with the migrations provider, so Node built-ins are looked
// up when called, never captured from module scope.

/** The folder of the platform's migrations, relative to the Pulumi project directory. */
export const defaultMigrationsDirectory = "supabase/migrations";

/** One migration file as the program sees it: what identifies it and a digest of its content. */
export interface MigrationFile {
  /** The numeric prefix, a timestamp by the CLI's convention. @example "20250701000000" */
  version: string;
  /** What follows the version, without `.sql`. @example "semantic_cache" */
  name: string;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
}

/** A migration file with its SQL. */
export interface MigrationSource extends MigrationFile {
  /** The file name inside the migrations folder. @example "20250701000000_semantic_cache.sql" */
  fileName: string;
  /** The file's content. */
  sql: string;
}

/** The Supabase CLI's rule for migration file names: digits, `_`, a name, `.sql`. */
export const migrationFileNamePattern = /^([0-9]+)_(.+)\.sql$/;

/**
 * The file name of a migration in the CLI's layout.
 * @param migration - its version and name.
 */
export function migrationFileName(migration: Pick<MigrationFile, "version" | "name">): string {
  return `${migration.version}_${migration.name}.sql`;
}

/**
 * Every migration in a folder, in the order they apply (by version). Other files are ignored; an
 * `.sql` file whose name does not follow the CLI's rule, or two files with one version, throw with
 * the file names, as `supabase db push` would refuse them too.
 * @param directory - an absolute folder.
 */
export function readMigrations(directory: string): MigrationSource[] {
  const fs = process.getBuiltinModule("node:fs");
  const path = process.getBuiltinModule("node:path");
  const crypto = process.getBuiltinModule("node:crypto");
  if (!fs.existsSync(directory)) {
    throw new Error(`the migrations folder ${directory} does not exist`);
  }
  const migrations: MigrationSource[] = [];
  for (const fileName of fs.readdirSync(directory).sort()) {
    if (!fileName.endsWith(".sql")) continue;
    const match = migrationFileNamePattern.exec(fileName);
    if (!match) {
      throw new Error(
        `${path.join(directory, fileName)}: a migration file name must be <version>_<name>.sql, the version made of digits (e.g. 20250701000000_semantic_cache.sql)`,
      );
    }
    const bytes = fs.readFileSync(path.join(directory, fileName));
    migrations.push({
      version: match[1],
      name: match[2],
      fileName,
      sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      sql: bytes.toString("utf8"),
    });
  }
  migrations.sort((left, right) => compareVersions(left.version, right.version));
  for (let index = 1; index < migrations.length; index += 1) {
    if (migrations[index].version === migrations[index - 1].version) {
      throw new Error(
        `${migrations[index - 1].fileName} and ${migrations[index].fileName} in ${directory} share the version ${migrations[index].version}`,
      );
    }
  }
  return migrations;
}

/**
 * Orders versions as numbers (the CLI's timestamps all have 14 digits, but a shorter one must not
 * sort after a longer one).
 * @param left - a version.
 * @param right - another version.
 */
export function compareVersions(left: string, right: string): number {
  const leftDigits = left.replace(/^0+(?=\d)/, "");
  const rightDigits = right.replace(/^0+(?=\d)/, "");
  if (leftDigits.length !== rightDigits.length) return leftDigits.length - rightDigits.length;
  return leftDigits < rightDigits ? -1 : leftDigits > rightDigits ? 1 : 0;
}

/**
 * The identifying part of each migration, as the program passes it to the provider.
 * @param migrations - what {@link readMigrations} returned.
 */
export function migrationFiles(migrations: readonly MigrationSource[]): MigrationFile[] {
  return migrations.map(({ version, name, sha256 }) => ({ version, name, sha256 }));
}
