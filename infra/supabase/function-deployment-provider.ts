// Dynamic provider that deploys one bundled artifact as a Supabase Edge Function through
// `POST /v1/projects/{ref}/functions/deploy?slug=` (multipart `metadata` + `file` parts). It uploads
// only when the artifact hash or `verify_jwt` changes. Pulumi serializes this object into the state,
// so it captures only functions and `node:` built-ins.
import type * as pulumi from "@pulumi/pulumi";
import { readVerifiedArtifact } from "../../functions/bundle/manifest";
import { isSupabaseManagementError, managementRequest } from "./management-request";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface FunctionDeploymentInputs {
  /** Management API base URL. */
  apiUrl: string;
  /** Personal access token (a Pulumi secret in the program). */
  accessToken: string;
  /** The project the function is deployed to. */
  projectRef: string;
  /** Function slug, e.g. `llm-gateway`. */
  slug: string;
  /** Artifact hash from `manifest.json`; a change triggers an upload. */
  artifactSha256: string;
  /** Artifact directory, relative to the Pulumi project directory; not part of the diff. */
  artifactDirectory: string;
  /** Whether Supabase requires a valid JWT before the function runs. */
  verifyJwt: boolean;
}

/** State after a deploy. */
export interface FunctionDeploymentOutputs extends FunctionDeploymentInputs {
  /** Supabase's id of the function. */
  functionId: string;
  /** Version Supabase assigned to the latest deploy. */
  version: number;
  /** `ACTIVE`, `REMOVED` or `THROTTLED`. */
  status: string;
  /** Entry module that was deployed. */
  entrypoint: string;
}

interface DeployResponse {
  id?: string;
  version?: number;
  status?: string;
}

function functionPath(inputs: Pick<FunctionDeploymentInputs, "projectRef" | "slug">): string {
  return `/v1/projects/${encodeURIComponent(inputs.projectRef)}/functions/${encodeURIComponent(inputs.slug)}`;
}

async function deployArtifact(
  inputs: FunctionDeploymentInputs,
): Promise<FunctionDeploymentOutputs> {
  // Looked up here, not imported: see functions/bundle/manifest.ts.
  const directory = process
    .getBuiltinModule("node:path")
    .resolve(process.cwd(), inputs.artifactDirectory);
  const artifact = await readVerifiedArtifact(directory, inputs.artifactSha256);
  const form = new FormData();
  form.append(
    "metadata",
    JSON.stringify({
      entrypoint_path: artifact.manifest.entrypoint,
      name: inputs.slug,
      verify_jwt: inputs.verifyJwt,
    }),
  );
  for (const file of artifact.contents) {
    form.append("file", new Blob([file.bytes], { type: "application/javascript" }), file.path);
  }
  const response = await managementRequest({
    apiUrl: inputs.apiUrl,
    accessToken: inputs.accessToken,
    method: "POST",
    path: `/v1/projects/${encodeURIComponent(inputs.projectRef)}/functions/deploy?slug=${encodeURIComponent(inputs.slug)}`,
    form,
  });
  const deployed = (response.body ?? {}) as DeployResponse;
  return {
    ...inputs,
    functionId: String(deployed.id ?? ""),
    version: Number(deployed.version ?? 0),
    status: String(deployed.status ?? "ACTIVE"),
    entrypoint: artifact.manifest.entrypoint,
  };
}

/** CRUD for one deployed Edge Function. */
export const functionDeploymentProvider: pulumi.dynamic.ResourceProvider<
  FunctionDeploymentInputs,
  FunctionDeploymentOutputs
> = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.slug !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(news.slug)) {
      failures.push({
        property: "slug",
        reason: `slug "${String(news.slug)}" must start with a letter and use only letters, digits, "-" and "_"`,
      });
    }
    if (typeof news.artifactSha256 !== "string" || !/^[0-9a-f]{64}$/.test(news.artifactSha256)) {
      failures.push({
        property: "artifactSha256",
        reason: `artifactSha256 "${String(news.artifactSha256)}" must be 64 lowercase hex digits`,
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    const replaces = (["projectRef", "slug"] as const).filter((key) => olds[key] !== news[key]);
    if (replaces.length > 0) return { changes: true, replaces };
    if (olds.artifactSha256 !== news.artifactSha256 || olds.verifyJwt !== news.verifyJwt) {
      return { changes: true };
    }
    // A function deleted or reconfigured outside Pulumi is redeployed.
    try {
      const live = await managementRequest({ ...news, method: "GET", path: functionPath(news) });
      const body = (live.body ?? {}) as { verify_jwt?: unknown };
      return { changes: body.verify_jwt !== undefined && body.verify_jwt !== news.verifyJwt };
    } catch (error) {
      if (isSupabaseManagementError(error) && error.status === 404) return { changes: true };
      throw error;
    }
  },

  async create(inputs) {
    const outs = await deployArtifact(inputs);
    return { id: `${inputs.projectRef}/${inputs.slug}`, outs };
  },

  async read(id, props) {
    if (!props) return { id, props };
    try {
      const live = await managementRequest({ ...props, method: "GET", path: functionPath(props) });
      const body = (live.body ?? {}) as DeployResponse & { verify_jwt?: boolean };
      return {
        id,
        props: {
          ...props,
          version: Number(body.version ?? props.version),
          status: String(body.status ?? props.status),
          verifyJwt: body.verify_jwt ?? props.verifyJwt,
        },
      };
    } catch (error) {
      // An empty id tells the engine the function no longer exists.
      if (isSupabaseManagementError(error) && error.status === 404) return {};
      throw error;
    }
  },

  async update(_id, _olds, news) {
    return { outs: await deployArtifact(news) };
  },

  async delete(_id, props) {
    try {
      await managementRequest({ ...props, method: "DELETE", path: functionPath(props) });
    } catch (error) {
      if (isSupabaseManagementError(error) && error.status === 404) return;
      throw error;
    }
  },
};
