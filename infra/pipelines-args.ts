import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import type { PipelinesArgs } from "./pipelines";

/** What {@link pipelinesArgsFromConfig} needs from the WebApp component. */
export interface PipelinesWebApp {
  /** Vercel project id. */
  projectId: pulumi.Input<string>;
}

/**
 * The stable web URL the uptime workflow checks. Production deploys with `--prod`, so the
 * project's `<name>.vercel.app` domain serves it; staging deploys are previews with a new URL
 * each time, so staging has none (its uptime job checks the gateway only).
 */
export function stableWebUrl(
  config: Pick<StackConfig, "environment" | "vercel">,
): string | undefined {
  return config.environment === "production"
    ? `https://${config.vercel.projectName}.vercel.app`
    : undefined;
}

/** Wires the Pipelines component from the validated stack config and the WebApp component. */
export function pipelinesArgsFromConfig(
  config: StackConfig,
  webApp: PipelinesWebApp,
): PipelinesArgs {
  return {
    repository: config.github.repository,
    environment: config.environment,
    branch: config.github.branch,
    manageWorkflowFiles: config.github.manageWorkflowFiles,
    productionReviewers: config.github.productionReviewers,
    webAppPath: config.github.webAppPath,
    mobileAppPath: config.github.mobileAppPath,
    secrets: {
      vercelToken: config.secrets.vercelApiToken,
      expoToken: config.secrets.expoToken,
      pulumiAccessToken: config.secrets.pulumiAccessToken,
      slackWebhookUrl: config.secrets.slackWebhookUrl,
    },
    vercelTeamId: config.vercel.teamId,
    vercelProjectId: webApp.projectId,
    gatewayUrl: config.gatewayUrl,
    webUrl: stableWebUrl(config),
    uptimeIntervalMinutes: config.uptime.intervalMinutes,
    uptimeRetries: config.uptime.retries,
    uptimeTimeoutSeconds: config.uptime.timeoutSeconds,
  };
}
