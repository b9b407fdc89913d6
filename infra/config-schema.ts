import { z } from "zod";
import {
  budgetSchema,
  gatewayCacheDefaults,
  gatewayCacheKeys,
  gatewaySchema,
  llmSchema,
} from "./config-gateway-schema";
import { observabilitySchema } from "./config-observability-schema";
import {
  cloudflareKvNamespaceTitleMaxLength,
  cloudflareRoutePatternProblem,
  cloudflareWorkerNameProblem,
  gitBranchProblem,
  githubOwnerProblem,
  githubRepositoryPathProblem,
  githubRepositoryProblem,
  githubReviewerLimit,
  refineUnique,
  refineWith,
  vercelProjectNameProblem,
  vercelSensitiveTargetsProblem,
} from "./provider-rules";

/**
 * The one schema for every non-secret key of the `platform` namespace in `Pulumi.<stack>.yaml`.
 * Each message completes the sentence "`platform:<key>` ...", so errors read
 * `Pulumi.staging.yaml: platform:budget.dailyUsd must be a positive number, got "-3"`.
 * Objects are strict: a misspelt key is an error, not a silently ignored value.
 */

/** Upstash global-database regions (regional databases are deprecated). */
export const upstashRegions = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-central-1",
  "eu-west-1",
  "sa-east-1",
  "ap-southeast-1",
  "ap-southeast-2",
] as const;

/** Vercel deployment targets an environment variable can apply to. */
export const vercelTargets = ["production", "preview", "development"] as const;

/** LLM providers the gateway has adapters for. */
export { llmProviders } from "../functions/llm-gateway/environment/contract";

const text = (what: string) =>
  z.string({ error: `must be ${what}` }).min(1, { error: `must be ${what}` });

const positiveInteger = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .positive({ error: `must be ${what}` });

const boolean = z.boolean({ error: "must be true or false" });

const cloudflareId = (what: string) =>
  z
    .string({ error: `must be ${what} (32 hexadecimal characters)` })
    .regex(/^[0-9a-f]{32}$/, { error: `must be ${what} (32 hexadecimal characters)` });

const upstashRegion = z.enum(upstashRegions, {
  error: `must be one of ${upstashRegions.join(", ")}`,
});

const upstashSchema = z
  .strictObject(
    {
      databaseName: z
        .string({ error: "must be a database name" })
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
          error: "must be lowercase letters, digits and dashes (at most 63)",
        }),
      primaryRegion: upstashRegion,
      readRegions: z
        .array(upstashRegion, { error: "must be a list of regions" })
        .superRefine(refineUnique("region"))
        .default([]),
      eviction: boolean.default(true),
    },
    { error: "must be a map: { databaseName, primaryRegion, readRegions, eviction }" },
  )
  .superRefine((value, context) => {
    // Upstash: read regions are "any combination ... excluding the one given as primary".
    value.readRegions.forEach((region, index) => {
      if (region === value.primaryRegion) {
        context.addIssue({
          code: "custom",
          message:
            "must not include platform:upstash.primaryRegion (the primary already serves reads; Upstash rejects it)",
          path: ["readRegions", index],
          input: region,
        });
      }
    });
  });

const cloudflareSchema = z
  .strictObject(
    {
      accountId: cloudflareId("a Cloudflare account id"),
      zoneId: cloudflareId("a Cloudflare zone id").optional(),
      routePattern: z
        .string({ error: "must be a route pattern such as api.example.com/definitions/*" })
        .regex(/^[^\s/]+\/\S*$/, {
          error: "must be a route pattern such as api.example.com/definitions/*",
        })
        .superRefine(refineWith(cloudflareRoutePatternProblem))
        .optional(),
      workerName: z
        .string({ error: "must be a Worker name" })
        .superRefine(refineWith(cloudflareWorkerNameProblem)),
      kvNamespaceTitle: text("a KV namespace title").max(cloudflareKvNamespaceTitleMaxLength, {
        error: `must be at most ${cloudflareKvNamespaceTitleMaxLength} characters (Cloudflare's limit)`,
      }),
    },
    { error: "must be a map: { accountId, zoneId?, routePattern?, workerName, kvNamespaceTitle }" },
  )
  .refine((value) => value.routePattern === undefined || value.zoneId !== undefined, {
    error: "is set but platform:cloudflare.zoneId is not (a route needs a zone)",
    path: ["routePattern"],
  });

const vercelSchema = z.strictObject(
  {
    teamId: z
      .string({ error: "must be a Vercel team id such as team_abc123" })
      .regex(/^team_[A-Za-z0-9]+$/, { error: "must be a Vercel team id such as team_abc123" }),
    projectName: z
      .string({ error: "must be a Vercel project name" })
      .superRefine(refineWith(vercelProjectNameProblem)),
    framework: text("a Vercel framework preset such as nextjs"),
    rootDirectory: text("a directory inside the repository, such as apps/web"),
    gitRepository: z
      .string({ error: "must be a GitHub repository as owner/name" })
      .superRefine(refineWith(githubRepositoryPathProblem))
      .optional(),
    environmentTargets: z
      .array(z.enum(vercelTargets, { error: `must be one of ${vercelTargets.join(", ")}` }), {
        error: "must be a list of Vercel targets",
      })
      .min(1, { error: "must name at least one Vercel target" })
      .superRefine(refineUnique("target"))
      .superRefine((targets, context) => {
        if (targets.length > 0) {
          refineWith(vercelSensitiveTargetsProblem)(targets, context);
        }
      }),
  },
  {
    error:
      "must be a map: { teamId, projectName, framework, rootDirectory, gitRepository?, environmentTargets }",
  },
);

const supabaseSchema = z.strictObject(
  {
    projectRef: z
      .string({ error: "must be a Supabase project ref (20 lowercase letters)" })
      .regex(/^[a-z]{20}$/, { error: "must be a Supabase project ref (20 lowercase letters)" }),
    verifyJwt: boolean.default(false),
    pinnedArtifactSha256: z
      .string({ error: "must be a SHA-256 digest (64 hexadecimal characters)" })
      .regex(/^[0-9a-f]{64}$/, { error: "must be a SHA-256 digest (64 hexadecimal characters)" })
      .optional(),
  },
  { error: "must be a map: { projectRef, verifyJwt, pinnedArtifactSha256? }" },
);

const githubIdList = (kind: "user" | "team") =>
  z
    .array(positiveInteger(`a numeric GitHub ${kind} id`), {
      error: `must be a list of numeric GitHub ${kind} ids`,
    })
    .superRefine(refineUnique(`${kind} id`))
    .default([]);

const githubReviewersSchema = z
  .strictObject(
    { users: githubIdList("user"), teams: githubIdList("team") },
    { error: "must be a map: { users: [numeric user ids], teams: [numeric team ids] }" },
  )
  .superRefine((reviewers, context) => {
    const total = reviewers.users.length + reviewers.teams.length;
    if (total > githubReviewerLimit) {
      context.addIssue({
        code: "custom",
        message: `must list at most ${githubReviewerLimit} reviewers, users and teams together (GitHub's limit)`,
        input: reviewers,
      });
    }
  });

const githubSchema = z.strictObject(
  {
    owner: z
      .string({ error: "must be a GitHub user or organization" })
      .superRefine(refineWith(githubOwnerProblem)),
    repository: z
      .string({ error: "must be a GitHub repository name" })
      .superRefine(refineWith(githubRepositoryProblem)),
    branch: z
      .string({ error: "must be a branch name" })
      .superRefine(refineWith(gitBranchProblem))
      .default("main"),
    manageWorkflowFiles: boolean.default(true),
    productionReviewers: githubReviewersSchema.default({ users: [], teams: [] }),
    webAppPath: text("a path inside the repository").default("apps/web"),
    mobileAppPath: text("a path inside the repository").default("apps/mobile"),
  },
  {
    error:
      "must be a map: { owner, repository, branch, manageWorkflowFiles, productionReviewers: { users, teams }, webAppPath, mobileAppPath }",
  },
);

const cacheSchema = z.strictObject(
  {
    ...gatewayCacheKeys,
    definitionsEdgeTtlSeconds: positiveInteger("a positive whole number of seconds").default(3600),
  },
  {
    error:
      "must be a map: { responseTtlSeconds, embeddingTtlSeconds, definitionsEdgeTtlSeconds, maxTemperature, semanticDistanceThreshold, cacheVersion }",
  },
);

const uptimeSchema = z.strictObject(
  {
    intervalMinutes: positiveInteger("a whole number of minutes, at least 5")
      .min(5, { error: "must be a whole number of minutes, at least 5" })
      .default(5),
    retries: z
      .number({ error: "must be a whole number, zero or more" })
      .int({ error: "must be a whole number, zero or more" })
      .nonnegative({ error: "must be a whole number, zero or more" })
      .default(2),
    timeoutSeconds: positiveInteger("a positive whole number of seconds").default(10),
  },
  { error: "must be a map: { intervalMinutes, retries, timeoutSeconds }" },
);

const posthogSchema = z.strictObject(
  {
    host: z
      .url({ error: "must be an https URL", protocol: /^https$/ })
      .default("https://us.i.posthog.com"),
    projectKey: z
      .string({ error: "must be a PostHog project key such as phc_..." })
      .regex(/^phc_[A-Za-z0-9]+$/, { error: "must be a PostHog project key such as phc_..." }),
  },
  { error: "must be a map: { host, projectKey }" },
);

/** The whole `platform` namespace, keyed without the `platform:` prefix. */
export const platformConfigSchema = z.strictObject({
  environment: z.enum(["staging", "production"], { error: 'must be "staging" or "production"' }),
  protectData: boolean,
  upstash: upstashSchema,
  cloudflare: cloudflareSchema,
  vercel: vercelSchema,
  supabase: supabaseSchema,
  github: githubSchema,
  llm: llmSchema,
  budget: budgetSchema,
  gateway: gatewaySchema,
  cache: cacheSchema.default({
    ...gatewayCacheDefaults,
    definitionsEdgeTtlSeconds: 3600,
  }),
  uptime: uptimeSchema.default({ intervalMinutes: 5, retries: 2, timeoutSeconds: 10 }),
  posthog: posthogSchema,
  observability: observabilitySchema.optional(),
});

/** The validated non-secret stack configuration. */
export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type { LlmRoute } from "./config-gateway-schema";
