/**
 * The Pulumi program: one stack = one environment (staging or production).
 *
 * Order matters only in one place: the config is loaded and validated first, so a bad value
 * stops the program before any resource is registered.
 */
import { CacheStore } from "./cache-store";
import { loadStackConfig } from "./config";
import { EdgeCache } from "./edge-cache";
import { edgeCacheSources } from "./edge-cache-sources";
import { EdgeFunctions, edgeFunctionsArgsFromConfig } from "./edge-functions";
import { definitionsBaseUrl } from "./endpoints";
import { GrafanaMonitoring, grafanaMonitoringArgsFromConfig } from "./grafana-monitoring";
import { Pipelines } from "./pipelines";
import { pipelinesArgsFromConfig } from "./pipelines-args";
import { createProviders } from "./providers";
import { SupabaseMigrations } from "./supabase/migrations";
import { SupabaseWorkerWakeUp } from "./supabase/worker-wake-up";
import { WebApp } from "./web-app";

const config = loadStackConfig();
const providers = createProviders(config);
const protect = config.protectData;

const cacheStore = new CacheStore(
  "cache",
  {
    databaseName: config.upstash.databaseName,
    primaryRegion: config.upstash.primaryRegion,
    readRegions: config.upstash.readRegions,
    eviction: config.upstash.eviction,
    protect,
  },
  { providers: [providers.upstash] },
);

const sources = edgeCacheSources();
const edgeCache = new EdgeCache(
  "edge",
  {
    accountId: config.cloudflare.accountId,
    zoneId: config.cloudflare.zoneId,
    routePattern: config.cloudflare.routePattern,
    workerName: config.cloudflare.workerName,
    kvNamespaceTitle: config.cloudflare.kvNamespaceTitle,
    workerContent: sources.workerContent,
    mainModule: sources.mainModule,
    definitions: sources.definitions,
    definitionsEdgeTtlSeconds: config.cache.definitionsEdgeTtlSeconds,
    protect,
  },
  { providers: [providers.cloudflare] },
);

const webApp = new WebApp(
  "web",
  {
    teamId: config.vercel.teamId,
    projectName: config.vercel.projectName,
    framework: config.vercel.framework,
    rootDirectory: config.vercel.rootDirectory,
    gitRepository: config.vercel.gitRepository,
    environmentTargets: config.vercel.environmentTargets,
    redisRestUrl: cacheStore.restUrl,
    redisRestToken: cacheStore.restToken,
    gatewayUrl: config.gatewayUrl,
    posthogKey: config.posthog.projectKey,
    posthogHost: config.posthog.host,
    protect,
  },
  { providers: [providers.vercel] },
);

// The platform's tables (semantic cache, cost ledger) from supabase/migrations/, applied before
// the gateway that uses them is deployed.
const databaseMigrations = new SupabaseMigrations(
  "database-migrations",
  { projectRef: config.supabase.projectRef, accessToken: config.secrets.supabaseAccessToken },
  { protect },
);

// The gateway's Supabase secrets (wired from the CacheStore and config) and its deployment,
// referencing the bundled artifact by hash (or the hash pinned in platform:supabase).
const edgeFunctions = new EdgeFunctions(
  "functions",
  edgeFunctionsArgsFromConfig(config, cacheStore),
  { dependsOn: [databaseMigrations] },
);

// The Vault entries the pg_cron wake-up reads (docs/jobs.md), only when platform:jobWorkerToken is
// set: after the schedule migration that reads them and the worker that accepts the token.
const workerWakeUp = config.missingSecrets.includes("platform:jobWorkerToken")
  ? undefined
  : new SupabaseWorkerWakeUp(
      "job-worker-wake-up",
      {
        projectRef: config.supabase.projectRef,
        accessToken: config.secrets.supabaseAccessToken,
        workerToken: config.secrets.jobWorkerToken,
        workerSlug: edgeFunctions.jobWorkerSlug,
      },
      { dependsOn: [databaseMigrations, edgeFunctions] },
    );

// GitHub: the stack's Actions environment, secrets and variables, and (one stack only) the
// workflow files.
const pipelines = new Pipelines("pipelines", pipelinesArgsFromConfig(config, webApp), {
  providers: [providers.github],
});

// The dashboard and alert rules in Grafana, only when platform:observability.grafana is set.
const grafanaArgs = grafanaMonitoringArgsFromConfig(config);
const monitoring =
  grafanaArgs === undefined ? undefined : new GrafanaMonitoring("monitoring", grafanaArgs);

/** The environment this stack deploys. */
export const environment = config.environment;
/** The LLM gateway's public URL. */
export const gatewayUrl = config.gatewayUrl;
/** SHA-256 of the gateway artifact this stack deploys (pin it in platform:supabase to roll back). */
export const gatewayArtifactSha256 = edgeFunctions.artifactSha256;
/** Versions of the SQL migrations the stack's database has recorded as applied. */
export const databaseMigrationVersions = databaseMigrations.applied.apply((applied) =>
  (applied ?? []).map((migration) => migration.version),
);
/** The job worker URL the pg_cron wake-up calls (only with platform:jobWorkerToken). */
export const jobWorkerWakeUpUrl = workerWakeUp?.workerUrl;
/** Supabase Edge Function secrets this stack manages (names only). */
export const gatewaySecretNames = edgeFunctions.secretNames;
/** Upstash database id. */
export const redisDatabaseId = cacheStore.databaseId;
/** Upstash database host. */
export const redisEndpoint = cacheStore.endpoint;
/** `UPSTASH_REDIS_REST_URL` (secret: `pulumi stack output --show-secrets redisRestUrl`). */
export const redisRestUrl = cacheStore.restUrl;
/** `UPSTASH_REDIS_REST_TOKEN` (secret). */
export const redisRestToken = cacheStore.restToken;
/** Read-only REST token (secret). */
export const redisReadOnlyRestToken = cacheStore.readOnlyRestToken;
/** `REDIS_URL` for TCP clients (secret). */
export const redisUrl = cacheStore.redisUrl;
/** Cloudflare KV namespace holding the definitions. */
export const definitionsKvNamespaceId = edgeCache.kvNamespaceId;
/** The edge-cache Worker's script name. */
export const edgeCacheWorkerName = edgeCache.workerName;
/** Where definitions are served, when a route is configured. */
export const definitionsUrl = definitionsBaseUrl(config.cloudflare.routePattern);
/** The edge cache's version: part of every cache key, so a deploy with new content starts cold. */
export const definitionsVersion = edgeCache.definitionsVersion;
/** Vercel project id. */
export const webProjectId = webApp.projectId;
/** Vercel project name. */
export const webProjectName = webApp.projectName;
/** Environment variables set on the Vercel project. */
export const webEnvironmentVariables = webApp.variableKeys;
/** The GitHub environment this stack manages. */
export const githubEnvironment = pipelines.environmentName;
/** Workflow files this stack writes into the repository (empty unless it manages them). */
export const githubWorkflowFiles = pipelines.workflowFiles;
/** Actions secrets this stack writes (names only). */
export const githubSecrets = pipelines.secretNames;
/** Actions variables this stack writes. */
export const githubVariables = pipelines.variableNames;
/** The gateway dashboard's URL in Grafana (only with platform:observability.grafana). */
export const grafanaDashboardUrl = monitoring?.dashboardUrl;
