// Dynamic provider for the two Supabase Vault entries the pg_cron wake-up reads (`job_worker_url`,
// `job_worker_token`; supabase/migrations/*_jobs_schedule.sql), written through the Management API's
// database query endpoint (`POST /v1/projects/{ref}/database/query`). State keeps the URL and the
// SHA-256 digest of each live entry, never the token; the access token comes from the stack config
// as in access-token.ts. The query endpoint takes no bind parameters, so the token travels as a SQL
// literal (vault-sql.ts) and is redacted from every error. Pulumi serializes this object into the
// state and runs it in `cmd/dynamic-provider`: it captures only functions and its session.
import type * as pulumi from "@pulumi/pulumi";
import {
  configureSession,
  managementTarget,
  newProviderSession,
  unknownInputValue,
  type ManagementTarget,
} from "./access-token";
import { isNotFound, managementError, managementRequest } from "./management-request";
import { secretDigest } from "./secret-digests";
import {
  deleteVaultEntriesSql,
  upsertVaultEntriesSql,
  vaultDigestsQuery,
  vaultEntryNames,
} from "./vault-sql";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface WorkerWakeUpProviderInputs {
  /** Management API base URL. */
  apiUrl: string;
  /**
   * Personal access token (a Pulumi secret in the program). Used by the operations that receive
   * inputs; `read` and `delete` use `platform:supabaseAccessToken` from the stack config.
   */
  accessToken?: string;
  /** The project whose Vault holds the entries. */
  projectRef: string;
  /** The worker function's URL, stored as `job_worker_url`. */
  workerUrl: string;
  /** `platform:jobWorkerToken` (a Pulumi secret in the program), stored as `job_worker_token`. */
  workerToken: string;
}

/** What the provider stores: the URL and the live digests, never the token. */
export interface WorkerWakeUpProviderOutputs {
  /** Management API base URL. */
  apiUrl: string;
  /** The project whose Vault holds the entries. */
  projectRef: string;
  /** The worker function's URL the entry was set to. */
  workerUrl: string;
  /** Live hex SHA-256 by Vault entry name; a name missing here is missing live. */
  digests: Record<string, string>;
}

/** The dynamic provider type of {@link createWorkerWakeUpProvider}. */
export type WorkerWakeUpProvider = pulumi.dynamic.ResourceProvider<
  WorkerWakeUpProviderInputs,
  WorkerWakeUpProviderOutputs
>;

/** Runs SQL; resolves with the rows of the last statement. `secret` is redacted from errors. */
async function runQuery(
  target: ManagementTarget,
  query: string,
  secret?: string,
): Promise<unknown[]> {
  const path = `/v1/projects/${encodeURIComponent(target.projectRef)}/database/query`;
  try {
    const response = await managementRequest({ ...target, method: "POST", path, json: { query } });
    return Array.isArray(response.body) ? response.body : [];
  } catch (error) {
    const fields = error as { message?: unknown; status?: unknown; endpoint?: unknown };
    if (secret === undefined || secret.length === 0 || typeof fields.message !== "string") {
      throw error;
    }
    // The database's message may quote the statement, and with it the token's literal.
    throw managementError(
      fields.message.split(secret).join("[redacted]"),
      typeof fields.status === "number" ? fields.status : 0,
      typeof fields.endpoint === "string" ? fields.endpoint : `POST ${path}`,
    );
  }
}

async function liveDigests(target: ManagementTarget): Promise<Record<string, string>> {
  const names = [vaultEntryNames.token, vaultEntryNames.url];
  const rows = (await runQuery(target, vaultDigestsQuery(names))) as Array<{
    name?: unknown;
    sha256?: unknown;
  }>;
  const digests: Record<string, string> = {};
  for (const row of rows) {
    if (typeof row.name === "string" && typeof row.sha256 === "string") {
      digests[row.name] = row.sha256.toLowerCase();
    }
  }
  return digests;
}

async function desiredDigests(inputs: WorkerWakeUpProviderInputs): Promise<Record<string, string>> {
  return {
    [vaultEntryNames.token]: await secretDigest(inputs.workerToken),
    [vaultEntryNames.url]: await secretDigest(inputs.workerUrl),
  };
}

function sameDigests(left: Record<string, string>, right: Record<string, string>): boolean {
  return [vaultEntryNames.token, vaultEntryNames.url].every((name) => left[name] === right[name]);
}

/** Writes both entries and checks the database now holds them. */
async function apply(
  target: ManagementTarget,
  inputs: WorkerWakeUpProviderInputs,
): Promise<WorkerWakeUpProviderOutputs> {
  const sql = upsertVaultEntriesSql({
    [vaultEntryNames.token]: inputs.workerToken,
    [vaultEntryNames.url]: inputs.workerUrl,
  });
  await runQuery(target, sql, inputs.workerToken);
  const live = await liveDigests(target);
  if (!sameDigests(live, await desiredDigests(inputs))) {
    throw new Error(
      `the Vault entries ${vaultEntryNames.url} and ${vaultEntryNames.token} of project ${target.projectRef} do not have the expected digests after POST /v1/projects/${target.projectRef}/database/query`,
    );
  }
  return {
    apiUrl: inputs.apiUrl,
    projectRef: inputs.projectRef,
    workerUrl: inputs.workerUrl,
    digests: live,
  };
}

/**
 * Creates the CRUD of one project's wake-up Vault entries. Each provider has its own session,
 * filled by `configure` with the stack's access token.
 */
export function createWorkerWakeUpProvider(): WorkerWakeUpProvider {
  const session = newProviderSession();
  return {
    async configure(request) {
      configureSession(session, request.config);
    },

    async check(_olds, news) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const property of ["projectRef", "workerUrl", "workerToken"] as const) {
        const value: unknown = news[property];
        if (typeof value !== "string" || value.length === 0) {
          failures.push({ property, reason: `${property} must be a non-empty string` });
        } else if (value.includes("\u0000")) {
          failures.push({ property, reason: `${property} must not contain a NUL character` });
        }
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      // Vault lives in the project's database: another project gets its own entries.
      if (olds.projectRef !== news.projectRef) return { changes: true, replaces: ["projectRef"] };
      const unknown = [news.workerUrl, news.workerToken].includes(unknownInputValue);
      if (unknown || olds.apiUrl !== news.apiUrl) return { changes: true };
      // Compare with the database, not the stored digests, so an entry edited by hand shows.
      const live = await liveDigests(managementTarget(session, "diff", news, news.accessToken));
      return { changes: !sameDigests(live, await desiredDigests(news)) };
    },

    async create(inputs) {
      const outs = await apply(
        managementTarget(session, "create", inputs, inputs.accessToken),
        inputs,
      );
      return { id: `${inputs.projectRef}/vault/job-worker-wake-up`, outs };
    },

    async read(id, props) {
      if (!props) return { id, props };
      let live: Record<string, string>;
      try {
        live = await liveDigests(managementTarget(session, "read", props));
      } catch (error) {
        // An empty result tells the engine the object is gone: here the whole project.
        if (isNotFound(error)) return {};
        throw error;
      }
      if (Object.keys(live).length === 0) return {};
      const { apiUrl, projectRef, workerUrl } = props;
      return { id, props: { apiUrl, projectRef, workerUrl, digests: live } };
    },

    async update(_id, _olds, news) {
      return {
        outs: await apply(managementTarget(session, "update", news, news.accessToken), news),
      };
    },

    async delete(_id, props) {
      const vaultTarget = managementTarget(session, "delete", props);
      try {
        await runQuery(
          vaultTarget,
          deleteVaultEntriesSql([vaultEntryNames.token, vaultEntryNames.url]),
        );
      } catch (error) {
        // A project that no longer exists has no entries left to remove.
        if (isNotFound(error)) return;
        throw error;
      }
    },
  };
}

/** The provider the {@link SupabaseWorkerWakeUp} resources use. */
export const workerWakeUpProvider: WorkerWakeUpProvider = createWorkerWakeUpProvider();
