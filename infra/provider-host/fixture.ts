// Everything the provider-host checks share: the loopback Management API, two artifacts on disk
// (relative to the project, as the program passes them), the serialized providers captured from
// the components, and one configured host. A second host, configured with a rotated token, is
// started only when asked for, as a later `pulumi` command would start its own.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { writeArtifact } from "../../functions/bundle/write-artifact";
import { migrationFiles, readMigrations, type MigrationFile } from "../supabase/migrations-source";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../../test/supabase/management-api-server";
import { startHostSession, type HostSession } from "./host-session";
import { programLaunch, type ProgramLaunch } from "./program-launch";
import { captureSerializedProviders, type SerializedProviders } from "./serialized-providers";
import { placeholderSecrets } from "./stack-config";

/** An artifact written for the checks. */
export interface FixtureArtifact {
  /** Manifest `sha256`. */
  sha256: string;
  /** Folder relative to the project directory. */
  directory: string;
}

/** A migrations folder written for the checks. */
export interface FixtureMigrations {
  /** Folder relative to the project directory. */
  directory: string;
  /** Its migrations, in order, as the program passes them. */
  files: MigrationFile[];
}

/** The shared set-up; see the file comment. */
export interface ProviderHostFixture {
  /** Working directory and environment of the host. */
  launch: ProgramLaunch;
  /** The stack whose config is sent in Configure. */
  stack: string;
  /** The loopback Management API. */
  server: ManagementApiServer;
  /** The token the stack has at first, and the one it is rotated to. */
  tokens: { current: string; rotated: string };
  /** The job worker wake-up tokens: the registered one, and another for updates. */
  workerTokens: { current: string; updated: string };
  /** The project the resources live in, and another one for replacements. */
  projectRefs: { current: string; other: string };
  /** The function slug. */
  slug: string;
  /** Two builds of the function, for updates. */
  artifacts: { first: FixtureArtifact; second: FixtureArtifact };
  /** Two migrations folders, the second with one migration more, for updates. */
  migrations: { first: FixtureMigrations; second: FixtureMigrations };
  /** What the components registered, `__provider` included. */
  providers: SerializedProviders;
  /** The host configured with `tokens.current`. */
  host: HostSession;
  /** A host configured with `tokens.rotated`, started on first use. */
  rotatedHost(): Promise<HostSession>;
  /**
   * Forgets server state (databases included), requests and faults, and makes `tokens.current`
   * valid again.
   */
  resetServer(): Promise<void>;
  /** Stops hosts and the server and removes the artifacts. */
  stop(): Promise<void>;
}

/** Options of {@link startProviderHostFixture}. */
export interface ProviderHostFixtureOptions {
  /** Folder of Pulumi.yaml. @default the repository root */
  projectDirectory?: string;
  /** Stack whose config the hosts get. @default "staging" */
  stack?: string;
}

/**
 * Starts the shared set-up.
 * @param options - see {@link ProviderHostFixtureOptions}.
 */
export async function startProviderHostFixture(
  options: ProviderHostFixtureOptions = {},
): Promise<ProviderHostFixture> {
  const projectDirectory = options.projectDirectory ?? path.resolve(__dirname, "..", "..");
  const stack = options.stack ?? "staging";
  const launch = programLaunch(projectDirectory);
  const suffix = randomBytes(6).toString("hex");
  const tokens = { current: `sbp_current_${suffix}`, rotated: `sbp_rotated_${suffix}` };
  const projectRefs = { current: "hostcheckref", other: "hostotherref" };
  // A quote and a backslash: the token reaches the database as a SQL literal.
  const workerTokens = { current: `wake'\\${suffix}`, updated: `wake_updated_${suffix}` };
  const slug = "llm-gateway";
  const artifactRoot = path.join(".artifacts", `provider-host-check-${suffix}`);
  const cleanups: Array<() => Promise<void>> = [
    () => rm(path.join(projectDirectory, artifactRoot), { recursive: true, force: true }),
  ];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const server = await startManagementApiServer({
      accessToken: tokens.current,
      projectRefs: [projectRefs.current, projectRefs.other],
    });
    cleanups.push(() => server.stop());
    const artifacts = {
      first: await fixtureArtifact(projectDirectory, path.join(artifactRoot, "first"), slug, "one"),
      second: await fixtureArtifact(
        projectDirectory,
        path.join(artifactRoot, "second"),
        slug,
        "two",
      ),
    };
    const migrations = await fixtureMigrations(projectDirectory, artifactRoot);
    const providers = await captureSerializedProviders(
      {
        apiUrl: server.url,
        accessToken: tokens.current,
        projectRef: projectRefs.current,
        values: { GATEWAY_FLAG: "on", LLM_DAILY_CAP_USD: "25" },
        slug,
        artifactSha256: artifacts.first.sha256,
        artifactDirectory: artifacts.first.directory,
        verifyJwt: false,
        migrationsDirectory: migrations.first.directory,
        workerToken: workerTokens.current,
        stack,
        project: launch.projectName,
      },
      launch.programDirectory,
    );
    const host = await startHostSession({
      launch,
      stack,
      secrets: placeholderSecrets(tokens.current),
    });
    cleanups.push(() => host.stop());
    let rotated: Promise<HostSession> | undefined;
    return {
      launch,
      stack,
      server,
      tokens,
      workerTokens,
      projectRefs,
      slug,
      artifacts,
      migrations,
      providers,
      host,
      rotatedHost() {
        if (!rotated) {
          rotated = startHostSession({
            launch,
            stack,
            secrets: placeholderSecrets(tokens.rotated),
          });
          const started = rotated;
          cleanups.push(async () => (await started).stop());
        }
        return rotated;
      },
      async resetServer() {
        server.clearRequests();
        server.rotateAccessToken(tokens.current);
        for (const secrets of server.secrets.values()) secrets.clear();
        for (const functions of server.functions.values()) functions.clear();
        await server.resetDatabases();
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function fixtureArtifact(
  projectDirectory: string,
  directory: string,
  slug: string,
  answer: string,
): Promise<FixtureArtifact> {
  const manifest = await writeArtifact(path.join(projectDirectory, directory), {
    name: slug,
    entrypoint: "index.js",
    verifyJwt: false,
    files: [
      {
        path: "index.js",
        bytes: new TextEncoder().encode(
          `Deno.serve(() => new Response(${JSON.stringify(answer)}));\n`,
        ),
      },
    ],
  });
  return { sha256: manifest.sha256, directory };
}

/** Re-runnable migrations, as the repository's are: a repair applies one again. */
const fixtureMigrationSql = [
  [
    "20250101000000_host_check_first.sql",
    "create table if not exists host_check_first (id int);\n",
  ],
  [
    "20250102000000_host_check_second.sql",
    "create table if not exists host_check_second (id int);\n",
  ],
  [
    "20250103000000_host_check_third.sql",
    "create table if not exists host_check_third (id int);\n",
  ],
] as const;

async function fixtureMigrations(
  projectDirectory: string,
  artifactRoot: string,
): Promise<{ first: FixtureMigrations; second: FixtureMigrations }> {
  const write = async (folder: string, count: number): Promise<FixtureMigrations> => {
    const directory = path.join(artifactRoot, folder);
    const absolute = path.join(projectDirectory, directory);
    await mkdir(absolute, { recursive: true });
    for (const [name, sql] of fixtureMigrationSql.slice(0, count)) {
      await writeFile(path.join(absolute, name), sql);
    }
    return { directory, files: migrationFiles(readMigrations(absolute)) };
  };
  return { first: await write("migrations-first", 2), second: await write("migrations-second", 3) };
}
