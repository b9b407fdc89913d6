import * as pulumi from "@pulumi/pulumi";
import { functionDeploymentProvider } from "./function-deployment-provider";
import { defaultManagementApiUrl } from "./management-request";

/** Arguments of {@link SupabaseFunctionDeployment}. */
export interface SupabaseFunctionDeploymentArgs {
  /**
   * Supabase project ref.
   * @example "abcdefghijklmnopqrst"
   */
  projectRef: pulumi.Input<string>;
  /**
   * Management API personal access token; wrapped as a Pulumi secret here. Used by check, diff,
   * create and update; refresh and destroy read the newest token from
   * `platform:supabaseAccessToken` in the stack config instead, so it is never kept in the outputs.
   */
  accessToken: pulumi.Input<string>;
  /**
   * Function slug; the function answers at `https://<ref>.supabase.co/functions/v1/<slug>`.
   * @example "llm-gateway"
   */
  slug: pulumi.Input<string>;
  /** Artifact hash (`sha256` of the artifact's `manifest.json`); a new hash means a new upload. */
  artifactSha256: pulumi.Input<string>;
  /**
   * Directory holding the artifact and its `manifest.json`, relative to the Pulumi project (the
   * provider finds Pulumi.yaml upwards from its working directory, which the engine sets to infra/).
   * @example "dist/functions/llm-gateway"
   */
  artifactDirectory: pulumi.Input<string>;
  /**
   * Whether Supabase checks for a valid JWT before invoking the function.
   * @default true
   */
  verifyJwt?: pulumi.Input<boolean>;
  /**
   * Management API base URL.
   * @default "https://api.supabase.com"
   */
  apiUrl?: pulumi.Input<string>;
}

/** One Supabase Edge Function deployed from a content-hashed artifact. */
export class SupabaseFunctionDeployment extends pulumi.dynamic.Resource {
  /** Function slug. */
  declare readonly slug: pulumi.Output<string>;
  /** Hash of the deployed artifact. */
  declare readonly artifactSha256: pulumi.Output<string>;
  /** Version Supabase assigned to the latest deploy. */
  declare readonly version: pulumi.Output<number>;
  /** Supabase's id of the function. */
  declare readonly functionId: pulumi.Output<string>;
  /** The live code hash Supabase reported (`ezbr_sha256`) after the last deploy. */
  declare readonly liveSha256: pulumi.Output<string>;

  constructor(
    name: string,
    args: SupabaseFunctionDeploymentArgs,
    options?: pulumi.CustomResourceOptions,
  ) {
    super(
      functionDeploymentProvider,
      name,
      {
        apiUrl: args.apiUrl ?? defaultManagementApiUrl,
        accessToken: pulumi.secret(args.accessToken),
        projectRef: args.projectRef,
        slug: args.slug,
        artifactSha256: args.artifactSha256,
        artifactDirectory: args.artifactDirectory,
        verifyJwt: args.verifyJwt ?? true,
        version: undefined,
        functionId: undefined,
        status: undefined,
        entrypoint: undefined,
        liveSha256: undefined,
      },
      // The provider no longer returns the token, but state written by earlier versions held it.
      pulumi.mergeOptions(options, { additionalSecretOutputs: ["accessToken"] }),
      "supabase",
      "FunctionDeployment",
    );
  }
}
