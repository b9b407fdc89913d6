// Dynamic provider that deploys one bundled artifact as a Supabase Edge Function through
// `POST /v1/projects/{ref}/functions/deploy?slug=` (multipart `metadata` + `file` parts). It uploads
// when the artifact hash or `verify_jwt` changes, or when the live function drifted (deleted,
// reconfigured or redeployed outside Pulumi). Pulumi serializes this object into the state and runs
// it in `cmd/dynamic-provider`, so it captures only functions, `node:` built-ins looked up at call
// time, and the session object its `configure` fills. The access token never reaches the outputs.
import type * as pulumi from "@pulumi/pulumi";
import { readVerifiedArtifact } from "../../functions/bundle/manifest";
import {
  configureSession,
  newProviderSession,
  resolveAccessToken,
  unknownInputValue,
  type ProviderSession,
} from "./access-token";
import { isNotFound, managementRequest } from "./management-request";
import { resolveFromProject } from "./project-directory";

/** Inputs the provider receives, with secrets already unwrapped by the engine. */
export interface FunctionDeploymentInputs {
  /** Management API base URL. */
  apiUrl: string;
  /**
   * Personal access token (a Pulumi secret in the program). Used by the operations that receive
   * inputs; `read` and `delete` use `platform:supabaseAccessToken` from the stack config.
   */
  accessToken?: string;
  /** The project the function is deployed to. */
  projectRef: string;
  /** Function slug, e.g. `llm-gateway`. */
  slug: string;
  /** Artifact hash from `manifest.json`; a change triggers an upload. */
  artifactSha256: string;
  /**
   * Artifact directory, relative to the Pulumi project directory (the folder of Pulumi.yaml, found
   * upwards from the provider's working directory); not part of the diff.
   */
  artifactDirectory: string;
  /** Whether Supabase requires a valid JWT before the function runs. */
  verifyJwt: boolean;
}

/** State after a deploy: the inputs without the token, and what Supabase reported. */
export interface FunctionDeploymentOutputs extends Omit<FunctionDeploymentInputs, "accessToken"> {
  /** Supabase's id of the function. */
  functionId: string;
  /** Version Supabase assigned to the latest deploy; another live version means a foreign deploy. */
  version: number;
  /** `ACTIVE`, `REMOVED` or `THROTTLED`. */
  status: string;
  /** Entry module that was deployed. */
  entrypoint: string;
  /**
   * The live function's `ezbr_sha256` (the hash Supabase reports for the code it runs) after the
   * last deploy; another live value means the code changed outside Pulumi (a redeploy or a
   * rollback by hand). Empty when the API did not report one.
   */
  liveSha256: string;
}

/** The dynamic provider type of {@link createFunctionDeploymentProvider}. */
export type FunctionDeploymentProvider = pulumi.dynamic.ResourceProvider<
  FunctionDeploymentInputs,
  FunctionDeploymentOutputs
>;

/** What `GET /v1/projects/{ref}/functions/{slug}` and the deploy endpoint answer. */
interface LiveFunction {
  id?: string;
  version?: number;
  status?: string;
  verify_jwt?: boolean;
  ezbr_sha256?: string;
}

/**
 * Recorded as `artifactSha256` by `read` when the live function was redeployed outside Pulumi: its
 * code is no longer a known artifact, so the next diff sees a change and redeploys.
 */
export const foreignArtifactSha256 = "redeployed-outside-pulumi";

/** Inputs that name another function: changing one creates the new function, then deletes the old. */
const replacingKeys = ["projectRef", "slug"] as const;

interface FunctionTarget {
  apiUrl: string;
  accessToken: string;
  projectRef: string;
  slug: string;
}

function functionPath(target: Pick<FunctionTarget, "projectRef" | "slug">): string {
  return `/v1/projects/${encodeURIComponent(target.projectRef)}/functions/${encodeURIComponent(target.slug)}`;
}

/**
 * Where an operation sends its requests. Only operations given inputs pass `inputToken`: `read` and
 * `delete` get stored outputs, where state from an earlier version may still hold a revoked token.
 */
function target(
  session: ProviderSession,
  operation: string,
  state: { apiUrl: string; projectRef: string; slug: string },
  inputToken?: unknown,
): FunctionTarget {
  return {
    apiUrl: state.apiUrl,
    projectRef: state.projectRef,
    slug: state.slug,
    accessToken: resolveAccessToken(session, operation, inputToken),
  };
}

/** The live function, or `undefined` when it (or its project) no longer exists. */
async function liveFunction(functionTarget: FunctionTarget): Promise<LiveFunction | undefined> {
  try {
    const response = await managementRequest({
      ...functionTarget,
      method: "GET",
      path: functionPath(functionTarget),
    });
    return (response.body ?? {}) as LiveFunction;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function deployArtifact(
  functionTarget: FunctionTarget,
  inputs: FunctionDeploymentInputs,
): Promise<FunctionDeploymentOutputs> {
  const directory = resolveFromProject(inputs.artifactDirectory);
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
    ...functionTarget,
    method: "POST",
    path: `/v1/projects/${encodeURIComponent(inputs.projectRef)}/functions/deploy?slug=${encodeURIComponent(inputs.slug)}`,
    form,
  });
  const deployed = (response.body ?? {}) as LiveFunction;
  return {
    apiUrl: inputs.apiUrl,
    projectRef: inputs.projectRef,
    slug: inputs.slug,
    artifactSha256: inputs.artifactSha256,
    artifactDirectory: inputs.artifactDirectory,
    verifyJwt: inputs.verifyJwt,
    functionId: String(deployed.id ?? ""),
    version: Number(deployed.version ?? 0),
    status: String(deployed.status ?? "ACTIVE"),
    entrypoint: artifact.manifest.entrypoint,
    liveSha256: await deployedCodeHash(functionTarget, deployed),
  };
}

/** The `ezbr_sha256` of the code just deployed: from the deploy answer, else from a GET. */
async function deployedCodeHash(
  functionTarget: FunctionTarget,
  deployed: LiveFunction,
): Promise<string> {
  if (typeof deployed.ezbr_sha256 === "string") return deployed.ezbr_sha256;
  const live = await liveFunction(functionTarget);
  return typeof live?.ezbr_sha256 === "string" ? live.ezbr_sha256 : "";
}

/** True when a value is a string Pulumi will only know at apply time. */
function isUnknown(value: unknown): boolean {
  return value === unknownInputValue;
}

/**
 * Creates the CRUD of one deployed Edge Function. Each provider has its own session, filled by
 * `configure` with the stack's access token.
 */
export function createFunctionDeploymentProvider(): FunctionDeploymentProvider {
  const session = newProviderSession();
  return {
    async configure(request) {
      configureSession(session, request.config);
    },

    async check(_olds, news) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!isUnknown(news.slug) && !/^[A-Za-z][A-Za-z0-9_-]*$/.test(String(news.slug))) {
        failures.push({
          property: "slug",
          reason: `slug "${String(news.slug)}" must start with a letter and use only letters, digits, "-" and "_"`,
        });
      }
      if (!isUnknown(news.artifactSha256) && !/^[0-9a-f]{64}$/.test(String(news.artifactSha256))) {
        failures.push({
          property: "artifactSha256",
          reason: `artifactSha256 "${String(news.artifactSha256)}" must be 64 lowercase hex digits`,
        });
      }
      if (typeof news.projectRef !== "string" || news.projectRef.length === 0) {
        failures.push({ property: "projectRef", reason: "projectRef must be a non-empty string" });
      }
      return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
      const replaces = replacingKeys.filter((key) => olds[key] !== news[key]);
      if (replaces.length > 0) return { changes: true, replaces: [...replaces] };
      if (
        olds.artifactSha256 !== news.artifactSha256 ||
        olds.verifyJwt !== news.verifyJwt ||
        olds.apiUrl !== news.apiUrl
      ) {
        return { changes: true };
      }
      // A function deleted, reconfigured or redeployed outside Pulumi is deployed again.
      const live = await liveFunction(target(session, "diff", news, news.accessToken));
      return { changes: live === undefined || hasDrifted(live, olds) };
    },

    async create(inputs) {
      const outs = await deployArtifact(
        target(session, "create", inputs, inputs.accessToken),
        inputs,
      );
      return { id: `${inputs.projectRef}/${inputs.slug}`, outs };
    },

    async read(id, props) {
      if (!props) return { id, props };
      const live = await liveFunction(target(session, "read", props));
      // An empty result tells the engine the function no longer exists.
      if (live === undefined) return {};
      const version = Number(live.version ?? props.version);
      const liveSha256 = typeof live.ezbr_sha256 === "string" ? live.ezbr_sha256 : "";
      const codeChanged =
        version !== props.version ||
        (liveSha256 !== "" && (props.liveSha256 ?? "") !== "" && liveSha256 !== props.liveSha256);
      return {
        id,
        props: {
          apiUrl: props.apiUrl,
          projectRef: props.projectRef,
          slug: props.slug,
          artifactSha256: codeChanged ? foreignArtifactSha256 : props.artifactSha256,
          artifactDirectory: props.artifactDirectory,
          verifyJwt: live.verify_jwt ?? props.verifyJwt,
          functionId: String(live.id ?? props.functionId),
          version,
          status: String(live.status ?? props.status),
          entrypoint: props.entrypoint,
          liveSha256: liveSha256 || (props.liveSha256 ?? ""),
        },
      };
    },

    async update(_id, _olds, news) {
      return {
        outs: await deployArtifact(target(session, "update", news, news.accessToken), news),
      };
    },

    async delete(_id, props) {
      const functionTarget = target(session, "delete", props);
      try {
        await managementRequest({
          ...functionTarget,
          method: "DELETE",
          path: functionPath(functionTarget),
        });
      } catch (error) {
        // Already deleted, or its project is: nothing is left to remove.
        if (isNotFound(error)) return;
        throw error;
      }
    },
  };
}

/**
 * Whether the live function differs from what the last deploy left: its code hash
 * (`ezbr_sha256`, so a redeploy or rollback done outside Pulumi shows), its version, or its
 * `verify_jwt`.
 */
function hasDrifted(live: LiveFunction, deployed: FunctionDeploymentOutputs): boolean {
  if (live.verify_jwt !== undefined && live.verify_jwt !== deployed.verifyJwt) return true;
  const recorded = deployed.liveSha256 ?? "";
  if (typeof live.ezbr_sha256 === "string" && recorded !== "" && live.ezbr_sha256 !== recorded) {
    return true;
  }
  return live.version !== undefined && live.version !== deployed.version;
}

/** The provider the {@link SupabaseFunctionDeployment} resources use. */
export const functionDeploymentProvider: FunctionDeploymentProvider =
  createFunctionDeploymentProvider();
