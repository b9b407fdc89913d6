// Dynamic provider for Edge Function secrets over the bulk `/v1/projects/{ref}/secrets` endpoint.
// State keeps names and SHA-256 digests only: values travel in the (secret) inputs and never come
// back as outputs, and neither does the access token (see access-token.ts). Pulumi serializes this
// object into the state and runs it in `cmd/dynamic-provider`, so it captures only functions and
// the session object its `configure` fills.
import type * as pulumi from "@pulumi/pulumi";
import {
  configureSession,
  managementTarget,
  newProviderSession,
  unknownInputValue,
  type ManagementTarget,
} from "./access-token";
import { isNotFound, managementRequest } from "./management-request";
import { checkSecretNames } from "./secret-names";
import { digestAll, planSecrets } from "./secret-digests";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface SecretsProviderInputs {
  /** Management API base URL. */
  apiUrl: string;
  /**
   * Personal access token (a Pulumi secret in the program). Used by the operations that receive
   * inputs; `read` and `delete` use `platform:supabaseAccessToken` from the stack config.
   */
  accessToken?: string;
  /** The project whose Edge Function secrets are managed. */
  projectRef: string;
  /** Desired values by secret name (a Pulumi secret in the program). */
  values: Record<string, string>;
}

/** What the provider stores: no values and no token, only names and digests. */
export interface SecretsProviderOutputs {
  /** Management API base URL. */
  apiUrl: string;
  /** The project whose Edge Function secrets are managed. */
  projectRef: string;
  /** Names this resource set, sorted; the only names it will ever unset. */
  names: string[];
  /** Live SHA-256 digest by name, as the API reported it; a name missing here is missing live. */
  digests: Record<string, string>;
}

/** The dynamic provider type of {@link createSecretsProvider}. */
export type SecretsProvider = pulumi.dynamic.ResourceProvider<
  SecretsProviderInputs,
  SecretsProviderOutputs
>;

function secretsPath(projectRef: string): string {
  return `/v1/projects/${encodeURIComponent(projectRef)}/secrets`;
}

async function liveDigests(target: ManagementTarget): Promise<Record<string, string>> {
  const response = await managementRequest({
    ...target,
    method: "GET",
    path: secretsPath(target.projectRef),
  });
  const listed = Array.isArray(response.body) ? response.body : [];
  const digests: Record<string, string> = {};
  for (const entry of listed as Array<{ name?: unknown; value?: unknown }>) {
    if (typeof entry.name === "string" && typeof entry.value === "string") {
      digests[entry.name] = entry.value.toLowerCase();
    }
  }
  return digests;
}

async function applySecrets(
  target: ManagementTarget,
  values: Record<string, string>,
  previouslyManaged: readonly string[],
): Promise<SecretsProviderOutputs> {
  const path = secretsPath(target.projectRef);
  const desired = await digestAll(values);
  const plan = planSecrets(desired, await liveDigests(target), previouslyManaged);
  if (plan.toUnset.length > 0) {
    await managementRequest({ ...target, method: "DELETE", path, json: plan.toUnset });
  }
  if (plan.toSet.length > 0) {
    const body = plan.toSet.map((name) => ({ name, value: values[name] }));
    await managementRequest({ ...target, method: "POST", path, json: body });
  }
  const live = await liveDigests(target);
  const names = Object.keys(desired).sort();
  const mismatched = names.filter((name) => live[name] !== desired[name]);
  if (mismatched.length > 0) {
    throw new Error(
      `Supabase secrets ${mismatched.join(", ")} of project ${target.projectRef} do not have the expected digest after POST ${path}`,
    );
  }
  return {
    apiUrl: target.apiUrl,
    projectRef: target.projectRef,
    names,
    digests: pick(live, names),
  };
}

function pick(digests: Record<string, string>, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) if (name in digests) picked[name] = digests[name];
  return picked;
}

/**
 * Creates the CRUD of one project's managed Edge Function secrets. Each provider has its own
 * session, filled by `configure` with the stack's access token.
 */
export function createSecretsProvider(): SecretsProvider {
  const session = newProviderSession();
  return {
    async configure(request) {
      configureSession(session, request.config);
    },

    async check(_olds, news) {
      const values = news.values ?? {};
      const failures = checkSecretNames(Object.keys(values));
      for (const [name, value] of Object.entries(values)) {
        if (typeof value !== "string") {
          failures.push({
            property: `values.${name}`,
            reason: `secret "${name}" must be a string`,
          });
        }
      }
      if (typeof news.projectRef !== "string" || news.projectRef.length === 0) {
        failures.push({ property: "projectRef", reason: "projectRef must be a non-empty string" });
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      // Secrets live in a project: another project means new secrets there and the old removed.
      if (olds.projectRef !== news.projectRef) return { changes: true, replaces: ["projectRef"] };
      const values = news.values ?? {};
      const unknown = Object.values(values).some((value) => value === unknownInputValue);
      if (unknown || olds.apiUrl !== news.apiUrl) return { changes: true };
      const desired = await digestAll(values);
      // Compare against the live digests, not the stored ones, so out-of-band edits show as drift.
      const live = await liveDigests(managementTarget(session, "diff", news, news.accessToken));
      const plan = planSecrets(desired, live, olds.names ?? []);
      return { changes: plan.toSet.length > 0 || plan.toUnset.length > 0 };
    },

    async create(inputs) {
      const outs = await applySecrets(
        managementTarget(session, "create", inputs, inputs.accessToken),
        inputs.values,
        [],
      );
      return { id: `${inputs.projectRef}/secrets`, outs };
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
      const names = props.names ?? [];
      // Every managed secret unset out of band: the object this resource stands for is gone.
      if (names.length > 0 && names.every((name) => !(name in live))) return {};
      return { id, props: { ...withoutToken(props), digests: pick(live, names) } };
    },

    async update(_id, olds, news) {
      const outs = await applySecrets(
        managementTarget(session, "update", news, news.accessToken),
        news.values,
        olds.names ?? [],
      );
      return { outs };
    },

    async delete(_id, props) {
      const names = props.names ?? [];
      if (names.length === 0) return;
      const secretsTarget = managementTarget(session, "delete", props);
      try {
        // Only names still set are removed, so a secret already gone is not an error.
        const live = await liveDigests(secretsTarget);
        const present = names.filter((name) => name in live);
        if (present.length === 0) return;
        await managementRequest({
          ...secretsTarget,
          method: "DELETE",
          path: secretsPath(props.projectRef),
          json: present,
        });
      } catch (error) {
        // A project that no longer exists has no secrets left to remove.
        if (isNotFound(error)) return;
        throw error;
      }
    },
  };
}

/**
 * Drops `accessToken` from state written by earlier versions of this provider, which kept it in
 * the outputs; a refresh then removes the stale token from the state.
 */
function withoutToken(props: SecretsProviderOutputs): SecretsProviderOutputs {
  const { apiUrl, projectRef, names, digests } = props;
  return { apiUrl, projectRef, names, digests };
}

/** The provider the {@link SupabaseSecrets} resources use. */
export const secretsProvider: SecretsProvider = createSecretsProvider();
