import { repositoryPrefix, type EnvironmentName } from "./settings";

/**
 * Names of the Actions secrets and variables the workflows read. The Pipelines component creates
 * exactly these (except {@link handSetSecretNames}), so a rename here changes both sides at once.
 *
 * Every secret lives in a GitHub environment whose deployment-branch policy admits only the
 * deploy branch, so no pull request job (nor a workflow edited on a branch) can read one.
 * Environment-scoped names are the same in `staging` and `production` (each stack writes only its
 * own environment). Repository-level names are variables only (no secrets), prefixed with the
 * environment, for the uptime checks.
 */
export const environmentSecretNames = {
  vercelToken: "VERCEL_TOKEN",
  expoToken: "EXPO_TOKEN",
  pulumiAccessToken: "PULUMI_ACCESS_TOKEN",
} as const;

/**
 * Secrets the workflows read that no stack writes: the key that decrypts a stack's state cannot be
 * kept in that state. Set once per environment (`gh secret set NAME --env production`).
 */
export const handSetSecretNames = {
  pulumiConfigPassphrase: "PULUMI_CONFIG_PASSPHRASE",
} as const;

/** The only secret of the `<environment>-uptime` environments. */
export const monitoringSecretNames = {
  slackWebhookUrl: "SLACK_WEBHOOK_URL",
} as const;

export const environmentVariableNames = {
  vercelOrgId: "VERCEL_ORG_ID",
  vercelProjectId: "VERCEL_PROJECT_ID",
  webUrl: "WEB_URL",
  gatewayUrl: "GATEWAY_URL",
} as const;

/**
 * Repository variables set by hand, optional: with `PULUMI_OIDC_ORGANIZATION` set, `pulumi` steps
 * exchange the job's GitHub OIDC token for a short-lived Pulumi Cloud token instead of reading
 * `PULUMI_ACCESS_TOKEN`.
 */
export const handSetVariableNames = {
  pulumiOidcOrganization: "PULUMI_OIDC_ORGANIZATION",
  pulumiOidcTokenType: "PULUMI_OIDC_TOKEN_TYPE",
  pulumiOidcScope: "PULUMI_OIDC_SCOPE",
} as const;

/** Repository-level variables owned by the stack of `environment` (no secrets live there). */
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
