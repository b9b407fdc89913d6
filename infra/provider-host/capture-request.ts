// The contract between the harness and the capture child (capture-program.ts): what to construct
// and what comes back. Plain JSON both ways, so the child can be any loader the engine would use.

/** Inputs for one capture: the arguments the components are constructed with. */
export interface CaptureRequest {
  /** Management API base URL (the loopback server). */
  apiUrl: string;
  /** The token the program passes as the components' `accessToken` (a Pulumi secret there). */
  accessToken: string;
  /** Supabase project ref. */
  projectRef: string;
  /** Secret values for the `SupabaseSecrets` resource. */
  values: Record<string, string>;
  /** Function slug for the `SupabaseFunctionDeployment` resource. */
  slug: string;
  /** Artifact hash (manifest `sha256`). */
  artifactSha256: string;
  /** Artifact directory, relative to the Pulumi project as the program passes it. */
  artifactDirectory: string;
  /** `verifyJwt` of the deployment. */
  verifyJwt: boolean;
  /** Migrations folder for the `SupabaseMigrations` resource, relative to the Pulumi project. */
  migrationsDirectory: string;
  /** The wake-up token for the `SupabaseWorkerWakeUp` resource (a Pulumi secret there). */
  workerToken: string;
  /** Stack name in URNs. */
  stack: string;
  /** Project name in URNs (Pulumi.yaml `name`). */
  project: string;
}

/** One dynamic resource registration, as the engine's resource monitor received it. */
export interface CapturedResource {
  /** The registered type token, e.g. `pulumi-nodejs:dynamic/supabase:Secrets`. */
  type: string;
  /** The logical name. */
  name: string;
  /** The URN the mock monitor assigned. */
  urn: string;
  /**
   * Inputs with secrets unwrapped, as the engine sends them to a provider that does not accept
   * secrets (the dynamic provider host answers `acceptSecrets: false` to Configure). Includes
   * `__provider`, the serialized provider code.
   */
  inputs: Record<string, unknown>;
  /** Top-level input names that were registered as Pulumi secrets. */
  secretInputs: string[];
}

/** What the capture child writes: every dynamic resource it registered. */
export interface CaptureResult {
  /** Registrations in order. */
  resources: CapturedResource[];
}
