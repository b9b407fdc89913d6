// The one definition of every environment variable the job worker reads: name, shape and limits,
// default and who sets it (the same contract style as the gateway's
// functions/llm-gateway/environment/contract.ts). Supabase secrets are per project, so the worker
// sees the variables infra writes for the gateway: it reuses `GATEWAY_API_KEYS`, and its only
// secret of its own is `JOB_WORKER_TOKEN`, the pg_cron wake-up's token (the gateway never accepts
// it); everything else has a default. docs/jobs.md lists them for people.
//
// Only type imports here, like the gateway's contract, so infra/ can load it through ts-node.
import type {
  JsonRule,
  NumberRule,
  TextRule,
  UrlRule,
  ListRule,
  VariableDefinition,
} from "../llm-gateway/environment/rules.ts";
import type * as zod from "zod";

const milliseconds = (minimum: number, maximum?: number): NumberRule => ({
  kind: "number",
  integer: true,
  minimum,
  unit: "milliseconds",
  ...(maximum === undefined ? {} : { maximum }),
});

// Supabase stops a function's worker after 150 s of wall-clock time on the free plan (400 s on
// paid plans): an invocation must be done well before, whatever the plan.
const freePlanWallClockMs = 150_000;

/**
 * The `JOB_WEBHOOK_SECRETS` schema: signing secret name to secret. The gateway's contract holds the
 * same one (`jobWebhookSecretsSchema`); environment.test.ts keeps them equal.
 */
export function webhookSecretsSchema(z: typeof zod): zod.ZodType<Record<string, string>> {
  return z.record(
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be a secret name (letters, digits, _ . -)" }),
    z.string().min(16, { error: "must be a secret of at least 16 characters" }),
    { error: "must map secret names to secrets" },
  );
}

/** Every variable the job worker reads. */
export const jobWorkerEnvironment = {
  databaseUrl: {
    name: "DATABASE_URL",
    doc: "Postgres URL of the job tables; a Supavisor transaction-pooler URL (port 6543) when connections must be pooled.",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "SUPABASE_DB_URL",
    setBy:
      "platform:databaseUrl (optional Pulumi secret, the project's secret shared with the gateway); npm start and tests set it to the local PGlite",
    secret: true,
  },
  supabaseDbUrl: {
    name: "SUPABASE_DB_URL",
    doc: "The project's database URL, used when DATABASE_URL is unset.",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "none",
    setBy: "Supabase's Edge Runtime",
    secret: true,
  },
  supabaseUrl: {
    name: "SUPABASE_URL",
    doc: "The project's URL; the gateway's URL is derived from it when JOB_WORKER_GATEWAY_URL is unset.",
    rule: { kind: "url" } satisfies UrlRule,
    defaultSource: "none",
    setBy: "Supabase's Edge Runtime",
    secret: false,
  },
  gatewayUrl: {
    name: "JOB_WORKER_GATEWAY_URL",
    doc: "Base URL of the LLM gateway (without /v1); each step is POST ${base}/v1/chat/completions.",
    rule: { kind: "url" } satisfies UrlRule,
    defaultSource: "${SUPABASE_URL}/functions/v1/llm-gateway",
    setBy: "npm start and tests; derived on Supabase",
    secret: false,
  },
  apiKeys: {
    name: "GATEWAY_API_KEYS",
    doc: "The gateway's keys (the gateway's own variable): the worker calls the gateway with the first, and accepts any of them as the bearer token of its own invocations (the pg_cron wake-up).",
    rule: { kind: "list" } satisfies ListRule,
    defaultSource: "none: the worker refuses every invocation",
    setBy: "infra (platform:gatewayApiKeys), shared with the gateway",
    secret: true,
  },
  wakeUpToken: {
    name: "JOB_WORKER_TOKEN",
    doc: "A bearer token of the worker's own, accepted in addition to the gateway's keys: the pg_cron wake-up sends it (Vault entry job_worker_token). The gateway never accepts it, so rotating a client key never breaks the schedule.",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "none: only the gateway's keys wake the worker",
    setBy: "infra (platform:jobWorkerToken, optional), with the Vault entries of the wake-up",
    secret: true,
  },
  webhookSecrets: {
    name: "JOB_WEBHOOK_SECRETS",
    doc: 'Completion webhook signing secrets by name, as JSON ({"default": "..."}); a job names one, and the secret never enters the database.',
    rule: { kind: "json", schema: webhookSecretsSchema } satisfies JsonRule<Record<string, string>>,
    defaultSource: "none: jobs cannot ask for webhooks",
    setBy: "the operator (supabase secrets set JOB_WEBHOOK_SECRETS=...)",
    secret: true,
  },
  maxAttempts: {
    name: "JOB_MAX_ATTEMPTS",
    doc: "Attempts each step gets (a worker that dies mid-step spends one) before its job fails, unless the job asks otherwise.",
    rule: {
      kind: "number",
      integer: true,
      minimum: 1,
      maximum: 100,
      unit: "attempts",
    } satisfies NumberRule,
    default: 5,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
  leaseMs: {
    name: "JOB_LEASE_MS",
    doc: "How long a claim holds a step; after it, the next wake-up may claim the step again. Longer than JOB_STEP_TIMEOUT_MS.",
    rule: milliseconds(1_000),
    default: 150_000,
    defaultSource: "platform: the step timeout plus a margin",
    secret: false,
  },
  stepTimeoutMs: {
    name: "JOB_STEP_TIMEOUT_MS",
    doc: "Bound on one step's call to the gateway.",
    rule: milliseconds(1_000, freePlanWallClockMs),
    default: 120_000,
    defaultSource: "platform: within Supabase's 150 s wall clock",
    secret: false,
  },
  retryBaseMs: {
    name: "JOB_RETRY_BASE_MS",
    doc: "First back-off after a failed attempt; it doubles per attempt (jittered) up to JOB_RETRY_MAX_MS.",
    rule: milliseconds(0),
    default: 2_000,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
  retryMaxMs: {
    name: "JOB_RETRY_MAX_MS",
    doc: "Longest back-off between a step's attempts.",
    rule: milliseconds(0),
    default: 300_000,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
  webhookMaxAttempts: {
    name: "JOB_WEBHOOK_MAX_ATTEMPTS",
    doc: "Delivery attempts of a completion webhook (back-off from 10 s, doubling, up to 1 h).",
    rule: {
      kind: "number",
      integer: true,
      minimum: 1,
      maximum: 50,
      unit: "attempts",
    } satisfies NumberRule,
    default: 8,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
  timeBudgetMs: {
    name: "JOB_WORKER_TIME_BUDGET_MS",
    doc: "An invocation starts no new step after this long (a started one finishes), so it ends before the next minute's wake-up and within Supabase's wall clock.",
    rule: milliseconds(1, freePlanWallClockMs),
    default: 20_000,
    defaultSource: "platform: well within the one-minute schedule",
    secret: false,
  },
  maxStepsPerInvocation: {
    name: "JOB_WORKER_MAX_STEPS",
    doc: "Most steps one invocation runs.",
    rule: {
      kind: "number",
      integer: true,
      minimum: 1,
      maximum: 1000,
      unit: "steps",
    } satisfies NumberRule,
    default: 10,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
  upstashUrl: {
    name: "UPSTASH_REDIS_REST_URL",
    doc: "The gateway's store (its own variable): the worker adds its job metrics to the totals the gateway's /metrics shows. With UPSTASH_REDIS_REST_TOKEN.",
    rule: { kind: "url" } satisfies UrlRule,
    defaultSource: "none: the worker's metrics stay on its own GET /metrics",
    setBy: "infra (Upstash), shared with the gateway",
    secret: false,
  },
  upstashToken: {
    name: "UPSTASH_REDIS_REST_TOKEN",
    doc: "Token of UPSTASH_REDIS_REST_URL.",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "none",
    setBy: "infra (Upstash), shared with the gateway",
    secret: true,
  },
  redisUrl: {
    name: "REDIS_URL",
    doc: "A Redis store over TCP, used when the Upstash variables are unset (npm start with Redis).",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "none",
    setBy: "the operator, shared with the gateway",
    secret: true,
  },
  metricsToken: {
    name: "GATEWAY_METRICS_TOKEN",
    doc: "Bearer token the worker's GET /metrics requires, as the gateway's does; open when unset (local runs).",
    rule: { kind: "text" } satisfies TextRule,
    defaultSource: "none: open",
    setBy: "infra (platform:metricsToken), shared with the gateway",
    secret: true,
  },
  databaseTimeoutMs: {
    name: "JOB_DATABASE_TIMEOUT_MS",
    doc: "Bound on every database call of the worker, connecting included.",
    rule: milliseconds(1),
    default: 10_000,
    defaultSource: "platform (no seed figure)",
    secret: false,
  },
} as const satisfies Record<string, VariableDefinition>;

/** The key of one job worker variable. */
export type JobWorkerVariable = keyof typeof jobWorkerEnvironment;
