// What differs between the dynamic resource types in the checks: how to change their inputs, and
// how to change, find or remove their object on the loopback Management API behind Pulumi's back.
import type { FixtureArtifact, FixtureMigrations, ProviderHostFixture } from "./fixture";
import type { ResourceAddress } from "./provider-client";
import { secretValue, type PropertyMap } from "./property-values";
import {
  functionDeploymentResourceType,
  migrationsResourceType,
  secretsResourceType,
  workerWakeUpResourceType,
} from "./serialized-providers";

/** One failing call to provoke, and the endpoint its error must name. */
export interface FaultPoint {
  /** The engine step that makes the call. */
  step: "create" | "refresh";
  /** HTTP method of the call. */
  method: "GET" | "POST";
  /** Path of the call, as the error names it (query included). */
  endpoint(fixture: ProviderHostFixture): string;
}

/** A dynamic resource type under test. */
export interface ResourceKind {
  /** Short name for reports, e.g. `Secrets`. */
  label: string;
  /** The type token. */
  type: string;
  /** The property that, changed, means a replacement. */
  replacingProperty: string;
  /** Where to inject the 401 and the 500. */
  faults: { unauthorized: FaultPoint; serverError: FaultPoint };
  /** The address the registration got. */
  address(fixture: ProviderHostFixture): ResourceAddress;
  /** The registered inputs, `__provider` included, secrets wrapped as the monitor received them. */
  inputs(fixture: ProviderHostFixture): PropertyMap;
  /** Inputs with a change that is an update. */
  updatedInputs(fixture: ProviderHostFixture): PropertyMap;
  /** Whether the live object shows the update. */
  showsUpdate(fixture: ProviderHostFixture): boolean | Promise<boolean>;
  /** Inputs with a change of {@link replacingProperty}. */
  replacingInputs(fixture: ProviderHostFixture): PropertyMap;
  /** Changes the live object out of band. */
  drift(fixture: ProviderHostFixture): void | Promise<void>;
  /** Whether the live object is back to what the inputs say. */
  matchesInputs(fixture: ProviderHostFixture): boolean | Promise<boolean>;
  /** Removes the live object out of band. */
  vanish(fixture: ProviderHostFixture): void | Promise<void>;
  /** Whether the live object exists. */
  exists(fixture: ProviderHostFixture): boolean | Promise<boolean>;
}

function registered(fixture: ProviderHostFixture, type: string): PropertyMap {
  const captured = fixture.providers.ofType(type);
  const inputs: PropertyMap = {};
  for (const [key, value] of Object.entries(captured.inputs)) {
    inputs[key] = captured.secretInputs.includes(key) ? secretValue(value) : value;
  }
  return inputs;
}

function address(fixture: ProviderHostFixture, type: string): ResourceAddress {
  const captured = fixture.providers.ofType(type);
  return { urn: captured.urn, type: captured.type, name: captured.name };
}

function liveSecrets(fixture: ProviderHostFixture): Map<string, string> {
  const secrets = fixture.server.secrets.get(fixture.projectRefs.current);
  if (!secrets) throw new Error(`the loopback API has no project ${fixture.projectRefs.current}`);
  return secrets;
}

function liveFunctions(fixture: ProviderHostFixture) {
  const functions = fixture.server.functions.get(fixture.projectRefs.current);
  if (!functions) throw new Error(`the loopback API has no project ${fixture.projectRefs.current}`);
  return functions;
}

/** Values the captured `SupabaseSecrets` registration was given (see fixture.ts). */
const registeredValues = { GATEWAY_FLAG: "on", LLM_DAILY_CAP_USD: "25" };

/** `SupabaseSecrets`: the project's managed Edge Function secrets. */
export const secretsKind: ResourceKind = {
  label: "Secrets",
  type: secretsResourceType,
  replacingProperty: "projectRef",
  faults: {
    unauthorized: {
      step: "refresh",
      method: "GET",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/secrets`,
    },
    serverError: {
      step: "create",
      method: "POST",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/secrets`,
    },
  },
  address: (fixture) => address(fixture, secretsResourceType),
  inputs: (fixture) => registered(fixture, secretsResourceType),
  updatedInputs(fixture) {
    return {
      ...registered(fixture, secretsResourceType),
      values: secretValue({ ...registeredValues, LLM_DAILY_CAP_USD: "40" }),
    };
  },
  showsUpdate: (fixture) => liveSecrets(fixture).get("LLM_DAILY_CAP_USD") === "40",
  replacingInputs(fixture) {
    return { ...registered(fixture, secretsResourceType), projectRef: fixture.projectRefs.other };
  },
  drift(fixture) {
    liveSecrets(fixture).set("LLM_DAILY_CAP_USD", "9999");
  },
  matchesInputs(fixture) {
    const live = liveSecrets(fixture);
    return Object.entries(registeredValues).every(([name, value]) => live.get(name) === value);
  },
  vanish(fixture) {
    liveSecrets(fixture).clear();
  },
  exists: (fixture) => Object.keys(registeredValues).some((name) => liveSecrets(fixture).has(name)),
};

function withArtifact(inputs: PropertyMap, artifact: FixtureArtifact): PropertyMap {
  return { ...inputs, artifactSha256: artifact.sha256, artifactDirectory: artifact.directory };
}

/** `SupabaseFunctionDeployment`: one Edge Function deployed from an artifact. */
export const functionDeploymentKind: ResourceKind = {
  label: "FunctionDeployment",
  type: functionDeploymentResourceType,
  replacingProperty: "projectRef",
  faults: {
    unauthorized: {
      step: "create",
      method: "POST",
      endpoint: (fixture) =>
        `/v1/projects/${fixture.projectRefs.current}/functions/deploy?slug=${fixture.slug}`,
    },
    serverError: {
      step: "refresh",
      method: "GET",
      endpoint: (fixture) =>
        `/v1/projects/${fixture.projectRefs.current}/functions/${fixture.slug}`,
    },
  },
  address: (fixture) => address(fixture, functionDeploymentResourceType),
  inputs: (fixture) => registered(fixture, functionDeploymentResourceType),
  updatedInputs(fixture) {
    return withArtifact(
      registered(fixture, functionDeploymentResourceType),
      fixture.artifacts.second,
    );
  },
  showsUpdate(fixture) {
    const live = liveFunctions(fixture).get(fixture.slug);
    return live?.files.some((file) => file.text.includes('"two"')) === true;
  },
  replacingInputs(fixture) {
    return {
      ...registered(fixture, functionDeploymentResourceType),
      projectRef: fixture.projectRefs.other,
    };
  },
  drift(fixture) {
    // Someone ran `supabase functions deploy` by hand: new code, new version, JWT check on.
    const live = liveFunctions(fixture).get(fixture.slug);
    if (!live) throw new Error(`no function ${fixture.slug} to change`);
    live.version += 1;
    live.verifyJwt = true;
    live.files = live.files.map((file) => ({ ...file, text: "// deployed by hand" }));
  },
  matchesInputs(fixture) {
    const live = liveFunctions(fixture).get(fixture.slug);
    return (
      live !== undefined &&
      !live.verifyJwt &&
      live.files.some((file) => file.text.includes('"one"'))
    );
  },
  vanish(fixture) {
    liveFunctions(fixture).delete(fixture.slug);
  },
  exists: (fixture) => liveFunctions(fixture).has(fixture.slug),
};

async function liveRows(
  fixture: ProviderHostFixture,
  query: string,
): Promise<Array<Record<string, unknown>>> {
  const database = await fixture.server.database(fixture.projectRefs.current);
  return (await database.query<Record<string, unknown>>(query)).rows;
}

/** Versions and digests the database recorded; none when it has no history. */
async function recordedMigrations(fixture: ProviderHostFixture): Promise<Map<string, unknown>> {
  const [presence] = await liveRows(
    fixture,
    "select to_regclass('supabase_migrations.platform_migration_digests') is not null as present",
  );
  if (presence?.present !== true) return new Map();
  const rows = await liveRows(
    fixture,
    `select history.version, digests.sha256 from supabase_migrations.schema_migrations history
     left join supabase_migrations.platform_migration_digests digests using (version)`,
  );
  return new Map(rows.map((row) => [String(row.version), row.sha256]));
}

function withMigrations(inputs: PropertyMap, migrations: FixtureMigrations): PropertyMap {
  return {
    ...inputs,
    migrationsDirectory: migrations.directory,
    migrations: migrations.files.map((file) => ({ ...file })),
  };
}

/** `SupabaseMigrations`: the SQL migrations applied to the project's database. */
export const migrationsKind: ResourceKind = {
  label: "Migrations",
  type: migrationsResourceType,
  replacingProperty: "projectRef",
  faults: {
    unauthorized: {
      step: "create",
      method: "POST",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/database/query`,
    },
    serverError: {
      step: "refresh",
      method: "POST",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/database/query`,
    },
  },
  address: (fixture) => address(fixture, migrationsResourceType),
  inputs: (fixture) => registered(fixture, migrationsResourceType),
  updatedInputs(fixture) {
    return withMigrations(registered(fixture, migrationsResourceType), fixture.migrations.second);
  },
  async showsUpdate(fixture) {
    const tables = await liveRows(fixture, "select to_regclass('public.host_check_third') as name");
    return tables[0]?.name !== null;
  },
  replacingInputs(fixture) {
    return {
      ...registered(fixture, migrationsResourceType),
      projectRef: fixture.projectRefs.other,
    };
  },
  async drift(fixture) {
    // Someone ran `supabase migration repair --status reverted` on the latest migration.
    const latest = fixture.migrations.first.files.at(-1)?.version ?? "";
    const database = await fixture.server.database(fixture.projectRefs.current);
    await database.query("delete from supabase_migrations.schema_migrations where version = $1", [
      latest,
    ]);
  },
  async matchesInputs(fixture) {
    const recorded = await recordedMigrations(fixture);
    return fixture.migrations.first.files.every(
      (file) => recorded.get(file.version) === file.sha256,
    );
  },
  async vanish(fixture) {
    // The database was reset: no history, no tables.
    await fixture.server.resetDatabases();
  },
  async exists(fixture) {
    const recorded = await recordedMigrations(fixture);
    return fixture.migrations.first.files.some((file) => recorded.has(file.version));
  },
};

/** The wake-up's Vault entries by name, decrypted (the stand-in Vault of the loopback database). */
async function liveVaultEntries(fixture: ProviderHostFixture): Promise<Map<string, string>> {
  const rows = await liveRows(
    fixture,
    `select name, decrypted_secret from vault.decrypted_secrets
     where name in ('job_worker_url', 'job_worker_token')`,
  );
  return new Map(rows.map((row) => [String(row.name), String(row.decrypted_secret)]));
}

/** `SupabaseWorkerWakeUp`: the Vault entries the job worker's pg_cron wake-up reads. */
export const workerWakeUpKind: ResourceKind = {
  label: "WorkerWakeUp",
  type: workerWakeUpResourceType,
  replacingProperty: "projectRef",
  faults: {
    unauthorized: {
      step: "create",
      method: "POST",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/database/query`,
    },
    serverError: {
      step: "refresh",
      method: "POST",
      endpoint: (fixture) => `/v1/projects/${fixture.projectRefs.current}/database/query`,
    },
  },
  address: (fixture) => address(fixture, workerWakeUpResourceType),
  inputs: (fixture) => registered(fixture, workerWakeUpResourceType),
  updatedInputs(fixture) {
    return {
      ...registered(fixture, workerWakeUpResourceType),
      workerToken: secretValue(fixture.workerTokens.updated),
    };
  },
  async showsUpdate(fixture) {
    return (
      (await liveVaultEntries(fixture)).get("job_worker_token") === fixture.workerTokens.updated
    );
  },
  replacingInputs(fixture) {
    return {
      ...registered(fixture, workerWakeUpResourceType),
      projectRef: fixture.projectRefs.other,
    };
  },
  async drift(fixture) {
    // Someone set the token by hand in the dashboard's Vault page.
    const database = await fixture.server.database(fixture.projectRefs.current);
    await database.query(
      "select vault.update_secret(id, 'set by hand') from vault.secrets where name = 'job_worker_token'",
    );
  },
  async matchesInputs(fixture) {
    const live = await liveVaultEntries(fixture);
    const { workerUrl } = fixture.providers.ofType(workerWakeUpResourceType).inputs;
    return (
      live.get("job_worker_token") === fixture.workerTokens.current &&
      live.get("job_worker_url") === workerUrl
    );
  },
  async vanish(fixture) {
    const database = await fixture.server.database(fixture.projectRefs.current);
    await database.query("delete from vault.secrets");
  },
  async exists(fixture) {
    return (await liveVaultEntries(fixture)).size > 0;
  },
};

/** Every dynamic resource type of the program. */
export const resourceKinds: readonly ResourceKind[] = [
  secretsKind,
  functionDeploymentKind,
  migrationsKind,
  workerWakeUpKind,
];
