import * as pulumi from "@pulumi/pulumi";
import { defaultManagementApiUrl } from "./management-request";
import { secretsProvider } from "./secrets-provider";

/** Arguments of {@link SupabaseSecrets}. */
export interface SupabaseSecretsArgs {
  /**
   * Supabase project ref (the subdomain of `https://<ref>.supabase.co`).
   * @example "abcdefghijklmnopqrst"
   */
  projectRef: pulumi.Input<string>;
  /**
   * Management API personal access token; wrapped as a Pulumi secret here whatever it arrives as.
   * Used by check, diff, create and update; refresh and destroy read the newest token from
   * `platform:supabaseAccessToken` in the stack config instead, so it is never kept in the outputs.
   */
  accessToken: pulumi.Input<string>;
  /**
   * Secret values by environment variable name. Every value becomes a Pulumi secret (names stay
   * visible in previews); state keeps only names and SHA-256 digests. Names starting with
   * `SUPABASE_` are rejected.
   * @example { LLM_DAILY_CAP_USD: "25" }
   */
  values: Record<string, pulumi.Input<string>>;
  /**
   * Management API base URL.
   * @default "https://api.supabase.com"
   */
  apiUrl?: pulumi.Input<string>;
}

/**
 * The Edge Function secrets of one Supabase project that this stack owns: set in bulk, unset when
 * removed, drift found by comparing SHA-256 digests. Secrets set by hand are left alone.
 */
export class SupabaseSecrets extends pulumi.dynamic.Resource {
  /** Project the secrets belong to. */
  declare readonly projectRef: pulumi.Output<string>;
  /** Names this resource manages, sorted. */
  declare readonly names: pulumi.Output<string[]>;
  /** SHA-256 digest by name, as last reported by the Management API. */
  declare readonly digests: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SupabaseSecretsArgs, options?: pulumi.CustomResourceOptions) {
    super(
      secretsProvider,
      name,
      {
        apiUrl: args.apiUrl ?? defaultManagementApiUrl,
        accessToken: pulumi.secret(args.accessToken),
        projectRef: args.projectRef,
        values: Object.fromEntries(
          Object.entries(args.values).map(([name, value]) => [name, pulumi.secret(value)]),
        ),
        names: undefined,
        digests: undefined,
      },
      // The provider returns neither, but state written by earlier versions held the token.
      pulumi.mergeOptions(options, { additionalSecretOutputs: ["accessToken", "values"] }),
      "supabase",
      "Secrets",
    );
  }
}
