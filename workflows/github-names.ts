import { repositoryPrefix, type EnvironmentName } from "./settings";

/**
 * Names of the Actions secrets and variables the workflows read. The Pipelines component creates
 * exactly these, so a rename here changes both sides at once.
 *
 * Environment-scoped names are the same in `staging` and `production` (each stack writes only its
 * own environment). Repository-level names carry the environment as a prefix (each stack writes
 * only its own prefix), for the jobs that must not wait for an environment's approval: uptime
 * checks and pull request previews of infrastructure.
 */
export const environmentSecretNames = {
  vercelToken: "VERCEL_TOKEN",
  supabaseAccessToken: "SUPABASE_ACCESS_TOKEN",
  supabaseDatabasePassword: "SUPABASE_DB_PASSWORD",
  expoToken: "EXPO_TOKEN",
  pulumiAccessToken: "PULUMI_ACCESS_TOKEN",
} as const;

export const environmentVariableNames = {
  vercelOrgId: "VERCEL_ORG_ID",
  vercelProjectId: "VERCEL_PROJECT_ID",
  supabaseProjectRef: "SUPABASE_PROJECT_REF",
  webUrl: "WEB_URL",
  gatewayUrl: "GATEWAY_URL",
} as const;

/** Repository-level secrets owned by the stack of `environment`. */
export function repositorySecretNames(environment: EnvironmentName) {
  const prefix = repositoryPrefix(environment);
  return {
    pulumiAccessToken: `${prefix}_PULUMI_ACCESS_TOKEN`,
    slackWebhookUrl: `${prefix}_SLACK_WEBHOOK_URL`,
  } as const;
}

/** Repository-level variables owned by the stack of `environment`. */
export function repositoryVariableNames(environment: EnvironmentName) {
  const prefix = repositoryPrefix(environment);
  return {
    webUrl: `${prefix}_WEB_URL`,
    gatewayUrl: `${prefix}_GATEWAY_URL`,
    uptimeRetries: `${prefix}_UPTIME_RETRIES`,
    uptimeTimeoutSeconds: `${prefix}_UPTIME_TIMEOUT_SECONDS`,
  } as const;
}

/** `${{ secrets.NAME }}` */
export function secretExpression(name: string): string {
  return `\${{ secrets.${name} }}`;
}

/** `${{ vars.NAME }}` */
export function variableExpression(name: string): string {
  return `\${{ vars.${name} }}`;
}
