/**
 * Every secret the stack needs, with the name `StackConfig.secrets` gives it. None is ever
 * committed: each is set per stack with `pulumi config set --secret KEY --stack NAME`. An
 * `optional` one may be left unset: it is then listed in `missingSecrets` and not deployed.
 */
export const secretKeys = [
  { name: "upstashEmail", key: "upstash:email", usedBy: "Upstash provider" },
  { name: "upstashApiKey", key: "upstash:apiKey", usedBy: "Upstash provider" },
  { name: "cloudflareApiToken", key: "cloudflare:apiToken", usedBy: "Cloudflare provider" },
  {
    name: "vercelApiToken",
    key: "vercel:apiToken",
    usedBy: "Vercel provider; GitHub secret VERCEL_TOKEN",
  },
  {
    name: "githubToken",
    key: "github:token",
    usedBy: "GitHub provider (needs the workflow scope for workflow files)",
  },
  {
    name: "supabaseAccessToken",
    key: "platform:supabaseAccessToken",
    usedBy: "Supabase Management API (functions, secrets, migrations)",
  },
  { name: "anthropicApiKey", key: "platform:anthropicApiKey", usedBy: "gateway secret" },
  { name: "openaiApiKey", key: "platform:openaiApiKey", usedBy: "gateway secret" },
  {
    name: "gatewayApiKeys",
    key: "platform:gatewayApiKeys",
    usedBy: "gateway client keys (comma-separated), GATEWAY_API_KEYS",
  },
  { name: "expoToken", key: "platform:expoToken", usedBy: "GitHub secret EXPO_TOKEN" },
  {
    name: "pulumiAccessToken",
    key: "platform:pulumiAccessToken",
    usedBy: "GitHub secrets PULUMI_ACCESS_TOKEN and <ENVIRONMENT>_PULUMI_ACCESS_TOKEN",
  },
  {
    name: "slackWebhookUrl",
    key: "platform:slackWebhookUrl",
    usedBy:
      "GitHub secret <ENVIRONMENT>_SLACK_WEBHOOK_URL (uptime alerts); gateway SLACK_WEBHOOK_URL (spend alert)",
  },
  {
    name: "geminiApiKey",
    key: "platform:geminiApiKey",
    usedBy: "gateway secret GEMINI_API_KEY (optional: Gemini candidates are skipped without it)",
    optional: true,
  },
  {
    name: "databaseUrl",
    key: "platform:databaseUrl",
    usedBy:
      "gateway and job worker secret DATABASE_URL, the Supabase pooler connection string (optional: SUPABASE_DB_URL without it)",
    optional: true,
  },
  {
    name: "metricsToken",
    key: "platform:metricsToken",
    usedBy:
      "gateway bearer token of /metrics and the status page's data, GATEWAY_METRICS_TOKEN (optional)",
    optional: true,
  },
  {
    name: "otlpHeaders",
    key: "platform:otlpHeaders",
    usedBy:
      "headers of the OTLP exports (a hosted backend's API key), OTEL_EXPORTER_OTLP_HEADERS (optional)",
    optional: true,
  },
  {
    name: "sentryDsn",
    key: "platform:sentryDsn",
    usedBy: "gateway error reports to Sentry, SENTRY_DSN (optional)",
    optional: true,
  },
  {
    name: "jobWorkerToken",
    key: "platform:jobWorkerToken",
    usedBy:
      "job worker secret JOB_WORKER_TOKEN and the Vault entries of its pg_cron wake-up (optional: the schedule stays unconfigured without it)",
    optional: true,
  },
  {
    name: "grafanaAuth",
    key: "platform:grafanaAuth",
    usedBy:
      "Grafana provider auth (a service account token), needed when platform:observability.grafana is set",
    optional: true,
  },
] as const;

/** Whether a stack may leave a secret unset (the feature it enables is then off). */
export function isOptionalSecret(secret: (typeof secretKeys)[number]): boolean {
  return "optional" in secret && secret.optional;
}

/** The name of one secret in `StackConfig.secrets`. */
export type SecretName = (typeof secretKeys)[number]["name"];

/** The full config key (`namespace:name`) of one secret. */
export type SecretKey = (typeof secretKeys)[number]["key"];

/** The command that sets one secret on one stack, quoted in errors and in the README. */
export function secretSetCommand(key: string, stackName: string): string {
  return `pulumi config set --secret ${key} --stack ${stackName}`;
}
