// Dynamic provider for Edge Function secrets over the bulk `/v1/projects/{ref}/secrets` endpoint.
// State keeps names and SHA-256 digests only: values travel in the (secret) inputs and never come
// back as outputs. Pulumi serializes this object into the state, so it captures only functions.
import type * as pulumi from "@pulumi/pulumi";
import { managementRequest, isSupabaseManagementError } from "./management-request";
import { checkSecretNames } from "./secret-names";
import { digestAll, planSecrets } from "./secret-digests";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface SecretsProviderInputs {
  /** Management API base URL. */
  apiUrl: string;
  /** Personal access token (a Pulumi secret in the program). */
  accessToken: string;
  /** The project whose Edge Function secrets are managed. */
  projectRef: string;
  /** Desired values by secret name (a Pulumi secret in the program). */
  values: Record<string, string>;
}

/** What the provider stores: no values, only names and digests. */
export interface SecretsProviderOutputs {
  /** Management API base URL. */
  apiUrl: string;
  /** Kept so `delete` can authenticate; marked secret by the resource. */
  accessToken: string;
  /** The project whose Edge Function secrets are managed. */
  projectRef: string;
  /** Names this resource set, sorted; the only names it will ever unset. */
  names: string[];
  /** Live SHA-256 digest by name, as the API reported it after the last change. */
  digests: Record<string, string>;
}

/** Pulumi's placeholder for values not known until apply (preview of a new dependency). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function liveDigests(
  target: Pick<SecretsProviderInputs, "apiUrl" | "accessToken" | "projectRef">,
): Promise<Record<string, string>> {
  const response = await managementRequest({
    apiUrl: target.apiUrl,
    accessToken: target.accessToken,
    method: "GET",
    path: `/v1/projects/${encodeURIComponent(target.projectRef)}/secrets`,
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
  inputs: SecretsProviderInputs,
  previouslyManaged: readonly string[],
): Promise<SecretsProviderOutputs> {
  const path = `/v1/projects/${encodeURIComponent(inputs.projectRef)}/secrets`;
  const desired = await digestAll(inputs.values);
  const plan = planSecrets(desired, await liveDigests(inputs), previouslyManaged);
  if (plan.toUnset.length > 0) {
    await managementRequest({ ...inputs, method: "DELETE", path, json: plan.toUnset });
  }
  if (plan.toSet.length > 0) {
    const body = plan.toSet.map((name) => ({ name, value: inputs.values[name] }));
    await managementRequest({ ...inputs, method: "POST", path, json: body });
  }
  const live = await liveDigests(inputs);
  const names = Object.keys(desired).sort();
  const mismatched = names.filter((name) => live[name] !== desired[name]);
  if (mismatched.length > 0) {
    throw new Error(
      `Supabase secrets ${mismatched.join(", ")} of project ${inputs.projectRef} do not have the expected digest after POST ${path}`,
    );
  }
  const digests: Record<string, string> = {};
  for (const name of names) digests[name] = live[name];
  return {
    apiUrl: inputs.apiUrl,
    accessToken: inputs.accessToken,
    projectRef: inputs.projectRef,
    names,
    digests,
  };
}

/** CRUD for one project's managed Edge Function secrets. */
export const secretsProvider: pulumi.dynamic.ResourceProvider<
  SecretsProviderInputs,
  SecretsProviderOutputs
> = {
  async check(_olds, news) {
    const failures = checkSecretNames(Object.keys(news.values ?? {}));
    for (const [name, value] of Object.entries(news.values ?? {})) {
      if (typeof value !== "string") {
        failures.push({ property: `values.${name}`, reason: `secret "${name}" must be a string` });
      }
    }
    if (typeof news.projectRef !== "string" || news.projectRef.length === 0) {
      failures.push({ property: "projectRef", reason: "projectRef must be a non-empty string" });
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    if (olds.projectRef !== news.projectRef) {
      return { changes: true, replaces: ["projectRef"], deleteBeforeReplace: true };
    }
    const values = news.values ?? {};
    if (Object.values(values).some((value) => value === unknownValue)) return { changes: true };
    const desired = await digestAll(values);
    // Compare against the live digests, not the stored ones, so out-of-band edits show as drift.
    const plan = planSecrets(desired, await liveDigests(news), olds.names ?? []);
    return { changes: plan.toSet.length > 0 || plan.toUnset.length > 0 };
  },

  async create(inputs) {
    const outs = await applySecrets(inputs, []);
    return { id: `${inputs.projectRef}/secrets`, outs };
  },

  async read(id, props) {
    if (!props) return { id, props };
    const live = await liveDigests(props);
    const digests: Record<string, string> = {};
    for (const name of props.names) if (name in live) digests[name] = live[name];
    return { id, props: { ...props, digests } };
  },

  async update(_id, olds, news) {
    return { outs: await applySecrets(news, olds.names ?? []) };
  },

  async delete(_id, props) {
    if (props.names.length === 0) return;
    try {
      await managementRequest({
        apiUrl: props.apiUrl,
        accessToken: props.accessToken,
        method: "DELETE",
        path: `/v1/projects/${encodeURIComponent(props.projectRef)}/secrets`,
        json: props.names,
      });
    } catch (error) {
      // A project that no longer exists has no secrets left to remove.
      if (isSupabaseManagementError(error) && error.status === 404) return;
      throw error;
    }
  },
};
