import * as pulumi from "@pulumi/pulumi";
import { functionUrl } from "../endpoints";
import { defaultManagementApiUrl } from "./management-request";
import { workerWakeUpProvider } from "./worker-wake-up-provider";

/** Arguments of {@link SupabaseWorkerWakeUp}. */
export interface SupabaseWorkerWakeUpArgs {
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
   * The wake-up's bearer token, `platform:jobWorkerToken` (the worker's `JOB_WORKER_TOKEN`);
   * wrapped as a Pulumi secret here. State keeps only its SHA-256 digest.
   */
  workerToken: pulumi.Input<string>;
  /**
   * Slug of the job worker function; the `job_worker_url` entry is its URL.
   * @default "job-worker"
   */
  workerSlug?: string;
  /**
   * Management API base URL.
   * @default "https://api.supabase.com"
   */
  apiUrl?: pulumi.Input<string>;
}

/**
 * The Supabase Vault entries `job_worker_url` and `job_worker_token` that the pg_cron wake-up of
 * the job worker reads (supabase/migrations/*_jobs_schedule.sql; docs/jobs.md). Set with
 * `vault.create_secret`/`vault.update_secret`, drift found by comparing SHA-256 digests, both
 * removed on destroy.
 */
export class SupabaseWorkerWakeUp extends pulumi.dynamic.Resource {
  /** Project whose Vault holds the entries. */
  declare readonly projectRef: pulumi.Output<string>;
  /** The worker's URL, the value of `job_worker_url`. */
  declare readonly workerUrl: pulumi.Output<string>;
  /** SHA-256 of each entry, as last read from the database. */
  declare readonly digests: pulumi.Output<Record<string, string>>;

  constructor(
    name: string,
    args: SupabaseWorkerWakeUpArgs,
    options?: pulumi.CustomResourceOptions,
  ) {
    const slug = args.workerSlug ?? "job-worker";
    super(
      workerWakeUpProvider,
      name,
      {
        apiUrl: args.apiUrl ?? defaultManagementApiUrl,
        accessToken: pulumi.secret(args.accessToken),
        projectRef: args.projectRef,
        workerUrl: pulumi
          .output(args.projectRef)
          .apply((projectRef) => functionUrl(projectRef, slug)),
        workerToken: pulumi.secret(args.workerToken),
        digests: undefined,
      },
      // The provider returns neither; listed so no future output could leak them.
      pulumi.mergeOptions(options, { additionalSecretOutputs: ["accessToken", "workerToken"] }),
      "supabase",
      "WorkerWakeUp",
    );
  }
}
