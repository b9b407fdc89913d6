import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { jobWorkerEnvironment } from "../functions/job-worker/environment";
import { gatewayEnvironment } from "../functions/llm-gateway/environment/contract";
import {
  supabaseFunctions,
  type SupabaseFunctionSource,
} from "../functions/bundle/supabase-functions";
import type { StackConfig } from "./config";
import { gatewayUrl } from "./endpoints";
import { SupabaseFunctionDeployment } from "./supabase/function-deployment";
import { gatewaySettingsEnvironment, type GatewaySettings } from "./supabase/gateway-environment";
import { resolveArtifact } from "./supabase/resolve-artifact";
import { SupabaseSecrets } from "./supabase/secrets";

/** Arguments of {@link EdgeFunctions}. */
export interface EdgeFunctionsArgs {
  /**
   * Supabase project ref, from `platform:supabase.projectRef`.
   * @example "abcdefghijklmnopqrst"
   */
  projectRef: pulumi.Input<string>;
  /** Management API personal access token, `platform:supabaseAccessToken` (kept secret). */
  accessToken: pulumi.Input<string>;
  /**
   * Whether Supabase requires a JWT before invoking the gateway, `platform:supabase.verifyJwt`.
   * The gateway checks its own keys (`GATEWAY_API_KEYS`), so this is normally off.
   * @default false
   */
  verifyJwt?: pulumi.Input<boolean>;
  /**
   * Deploy this earlier build instead of the current one (rollback),
   * `platform:supabase.pinnedArtifactSha256`. Its files must be in
   * `.artifacts/llm-gateway/<sha256>/` (or be the current build).
   * @example "3f1c...e9" (64 hex digits, from a manifest.json or a previous `artifactSha256` output)
   */
  pinnedArtifactSha256?: string;
  /** Upstash REST URL, from the CacheStore component: `UPSTASH_REDIS_REST_URL`. */
  upstashRedisRestUrl: pulumi.Input<string>;
  /** Upstash REST token, from the CacheStore component (a secret): `UPSTASH_REDIS_REST_TOKEN`. */
  upstashRedisRestToken: pulumi.Input<string>;
  /** `platform:anthropicApiKey`: `ANTHROPIC_API_KEY`. */
  anthropicApiKey: pulumi.Input<string>;
  /** `platform:openaiApiKey`: `OPENAI_API_KEY`. */
  openaiApiKey: pulumi.Input<string>;
  /** `platform:gatewayApiKeys` (comma-separated): `GATEWAY_API_KEYS`. */
  gatewayApiKeys: pulumi.Input<string>;
  /** `platform:slackWebhookUrl`: `SLACK_WEBHOOK_URL`, the spend alert's webhook; no alert when unset. */
  slackWebhookUrl?: pulumi.Input<string>;
  /**
   * `platform:cache.cacheVersion`: `LLM_CACHE_VERSION`, the namespace of cached chat answers.
   * @default the deployed artifact's SHA-256, so cached answers live until the app deploys
   */
  cacheVersion?: string;
  /**
   * The optional gateway secrets, written only when set: `platform:geminiApiKey`
   * (`GEMINI_API_KEY`), `platform:metricsToken`
   * (`GATEWAY_METRICS_TOKEN`), `platform:otlpHeaders` (`OTEL_EXPORTER_OTLP_HEADERS`),
   * `platform:sentryDsn` (`SENTRY_DSN`), `platform:databaseUrl` (`DATABASE_URL`, the Supabase
   * pooler connection string the gateway and the job worker use instead of `SUPABASE_DB_URL`).
   * @default {}
   */
  optionalSecrets?: Partial<
    Record<
      "geminiApiKey" | "metricsToken" | "otlpHeaders" | "sentryDsn" | "databaseUrl",
      pulumi.Input<string>
    >
  >;
  /**
   * `platform:jobWorkerToken`: `JOB_WORKER_TOKEN`, the bearer token of the job worker's pg_cron
   * wake-up, which the worker accepts and the gateway does not; not written when unset.
   */
  jobWorkerToken?: pulumi.Input<string>;
  /**
   * Routes, prices, budget, cache TTLs, PostHog settings and the `platform:gateway` knobs from the
   * stack config, written as the variables of functions/llm-gateway/environment/contract.ts.
   */
  settings: GatewaySettings;
  /**
   * Management API base URL.
   * @default "https://api.supabase.com"
   */
  apiUrl?: pulumi.Input<string>;
  /**
   * Repository root, where `dist/functions/` and `.artifacts/` live.
   * @default the folder above `infra/`
   */
  repositoryRoot?: string;
  /**
   * The function to bundle and deploy as the gateway.
   * @default the `llm-gateway` entry of functions/bundle/supabase-functions.ts
   */
  gatewaySource?: SupabaseFunctionSource;
  /**
   * The function to bundle and deploy as the job worker (docs/jobs.md). It reads the gateway's
   * secrets (Supabase secrets are per project) and is always the build of the checked-out source:
   * `pinnedArtifactSha256` pins the gateway only.
   * @default the `job-worker` entry of functions/bundle/supabase-functions.ts
   */
  jobWorkerSource?: SupabaseFunctionSource;
}

const defaultGatewaySource = supabaseFunctions.find((source) => source.name === "llm-gateway");
const defaultJobWorkerSource = supabaseFunctions.find((source) => source.name === "job-worker");

/**
 * The Supabase side of the platform: the gateway's secrets (wired from Upstash and config) and
 * the gateway deployed from a content-hashed artifact, so both stacks run the same bytes.
 */
export class EdgeFunctions extends pulumi.ComponentResource {
  /** Hash of the deployed gateway artifact (its `manifest.json` `sha256`). */
  readonly artifactSha256: pulumi.Output<string>;
  /** Public URL of the gateway. */
  readonly gatewayUrl: pulumi.Output<string>;
  /** Names of the secrets this stack manages on the project. */
  readonly secretNames: pulumi.Output<string[]>;
  /** Hash of the deployed job worker artifact. */
  readonly jobWorkerArtifactSha256: pulumi.Output<string>;
  /** Slug of the job worker function (its URL is `https://<ref>.supabase.co/functions/v1/<slug>`). */
  readonly jobWorkerSlug: string;

  constructor(name: string, args: EdgeFunctionsArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:supabase:EdgeFunctions", name, {}, options);
    const gatewaySource = args.gatewaySource ?? defaultGatewaySource;
    if (!gatewaySource) {
      throw new Error("functions/bundle/supabase-functions.ts lists no llm-gateway");
    }

    const artifact = pulumi.output(
      resolveArtifact({
        repositoryRoot: args.repositoryRoot ?? path.resolve(__dirname, ".."),
        source: gatewaySource,
        pinnedSha256: args.pinnedArtifactSha256,
        // A preview (pulumi preview, the preview step of pulumi up, the offline plan) only shows
        // the pinned hash; the update itself needs the build's files and fails without them.
        allowMissingPin: pulumi.runtime.isDryRun(),
        log: (message) => pulumi.log.info(message, this),
      }),
    );

    const values: Record<string, pulumi.Input<string>> = {
      ...gatewaySettingsEnvironment(args.settings),
      [gatewayEnvironment.upstashUrl.name]: args.upstashRedisRestUrl,
      [gatewayEnvironment.upstashToken.name]: args.upstashRedisRestToken,
      [gatewayEnvironment.anthropicApiKey.name]: args.anthropicApiKey,
      [gatewayEnvironment.openaiApiKey.name]: args.openaiApiKey,
      [gatewayEnvironment.apiKeys.name]: args.gatewayApiKeys,
      [gatewayEnvironment.cacheVersion.name]: args.cacheVersion ?? artifact.sha256,
    };
    if (args.slackWebhookUrl !== undefined)
      values[gatewayEnvironment.slackWebhookUrl.name] = args.slackWebhookUrl;
    for (const [key, value] of Object.entries(args.optionalSecrets ?? {})) {
      const variable =
        gatewayEnvironment[
          key as "geminiApiKey" | "metricsToken" | "otlpHeaders" | "sentryDsn" | "databaseUrl"
        ];
      if (value !== undefined) values[variable.name] = value;
    }
    if (args.jobWorkerToken !== undefined) {
      values[jobWorkerEnvironment.wakeUpToken.name] = args.jobWorkerToken;
    }
    const secrets = new SupabaseSecrets(
      `${name}-secrets`,
      { projectRef: args.projectRef, accessToken: args.accessToken, values, apiUrl: args.apiUrl },
      { parent: this },
    );

    // Secrets first, so the first request to a new deployment already sees its environment.
    const deployment = new SupabaseFunctionDeployment(
      `${name}-${gatewaySource.name}`,
      {
        projectRef: args.projectRef,
        accessToken: args.accessToken,
        slug: gatewaySource.name,
        artifactSha256: artifact.sha256,
        artifactDirectory: artifact.directory,
        verifyJwt: args.verifyJwt ?? false,
        apiUrl: args.apiUrl,
      },
      { parent: this, dependsOn: [secrets] },
    );

    const jobWorkerSource = args.jobWorkerSource ?? defaultJobWorkerSource;
    if (!jobWorkerSource) {
      throw new Error("functions/bundle/supabase-functions.ts lists no job-worker");
    }
    const jobWorkerArtifact = pulumi.output(
      resolveArtifact({
        repositoryRoot: args.repositoryRoot ?? path.resolve(__dirname, ".."),
        source: jobWorkerSource,
        allowMissingPin: pulumi.runtime.isDryRun(),
        log: (message) => pulumi.log.info(message, this),
      }),
    );
    const jobWorker = new SupabaseFunctionDeployment(
      `${name}-${jobWorkerSource.name}`,
      {
        projectRef: args.projectRef,
        accessToken: args.accessToken,
        slug: jobWorkerSource.name,
        artifactSha256: jobWorkerArtifact.sha256,
        artifactDirectory: jobWorkerArtifact.directory,
        verifyJwt: jobWorkerSource.verifyJwt,
        apiUrl: args.apiUrl,
      },
      { parent: this, dependsOn: [secrets] },
    );

    this.artifactSha256 = deployment.artifactSha256;
    this.jobWorkerArtifactSha256 = jobWorker.artifactSha256;
    this.jobWorkerSlug = jobWorkerSource.name;
    this.gatewayUrl = pulumi.output(args.projectRef).apply(gatewayUrl);
    this.secretNames = pulumi.output(Object.keys(values).sort());
    this.registerOutputs({
      artifactSha256: this.artifactSha256,
      gatewayUrl: this.gatewayUrl,
      secretNames: this.secretNames,
      jobWorkerArtifactSha256: this.jobWorkerArtifactSha256,
    });
  }
}

/** The CacheStore outputs the gateway needs. */
export interface GatewayCacheOutputs {
  /** Upstash REST URL. */
  restUrl: pulumi.Input<string>;
  /** Upstash REST token (secret). */
  restToken: pulumi.Input<string>;
}

/** Builds {@link EdgeFunctionsArgs} from the stack config and the CacheStore's outputs. */
export function edgeFunctionsArgsFromConfig(
  config: StackConfig,
  cache: GatewayCacheOutputs,
): EdgeFunctionsArgs {
  return {
    projectRef: config.supabase.projectRef,
    accessToken: config.secrets.supabaseAccessToken,
    verifyJwt: config.supabase.verifyJwt,
    pinnedArtifactSha256: config.supabase.pinnedArtifactSha256,
    upstashRedisRestUrl: cache.restUrl,
    upstashRedisRestToken: cache.restToken,
    anthropicApiKey: config.secrets.anthropicApiKey,
    openaiApiKey: config.secrets.openaiApiKey,
    gatewayApiKeys: config.secrets.gatewayApiKeys,
    ...(config.missingSecrets.includes("platform:slackWebhookUrl")
      ? {}
      : { slackWebhookUrl: config.secrets.slackWebhookUrl }),
    ...(config.missingSecrets.includes("platform:jobWorkerToken")
      ? {}
      : { jobWorkerToken: config.secrets.jobWorkerToken }),
    cacheVersion: config.cache.cacheVersion,
    optionalSecrets: Object.fromEntries(
      (["geminiApiKey", "metricsToken", "otlpHeaders", "sentryDsn", "databaseUrl"] as const)
        .filter((name) => !config.missingSecrets.includes(`platform:${name}`))
        .map((name) => [name, config.secrets[name]]),
    ),
    settings: {
      routes: config.llm.routes,
      prices: config.llm.prices,
      expensiveTiers: config.llm.expensiveTiers,
      dailyCapUsd: config.budget.dailyUsd,
      responseCacheTtlSeconds: config.cache.responseTtlSeconds,
      embeddingCacheTtlSeconds: config.cache.embeddingTtlSeconds,
      cacheMaxTemperature: config.cache.maxTemperature,
      semanticDistanceThreshold: config.cache.semanticDistanceThreshold,
      tierLadder: config.llm.tierLadder,
      hardCapUsd: config.budget.hardCapUsd,
      spendAlertFraction: config.budget.alertFraction,
      environmentName: config.environment,
      posthogHost: config.posthog.host,
      posthogKey: config.posthog.projectKey,
      knobs: config.gateway,
    },
  };
}
