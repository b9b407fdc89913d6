/**
 * What differs between the repositories the workflows are rendered for. The committed files under
 * `.github/workflows/` use {@link defaultWorkflowSettings}; the Pipelines component renders with
 * the stack's `platform:github` values for the target repository.
 */
export interface WorkflowSettings {
  /** Branch whose pushes deploy to staging. @default "main" */
  branch: string;
  /** Folder of the web app (its own package.json with `vercel` in devDependencies). @default "apps/web" */
  webAppPath: string;
  /** Folder of the Expo app (its own package.json and eas.json). @default "apps/mobile" */
  mobileAppPath: string;
  /** Node.js major version of every job. @default "20" */
  nodeVersion: string;
  /**
   * Minutes between uptime checks (`platform:uptime.intervalMinutes`); GitHub runs schedules at
   * most every 5 minutes.
   * @default 5
   */
  uptimeIntervalMinutes?: number;
}

export const defaultWorkflowSettings: WorkflowSettings = {
  branch: "main",
  webAppPath: "apps/web",
  mobileAppPath: "apps/mobile",
  nodeVersion: "20",
  uptimeIntervalMinutes: 5,
};

/** Name of the CI workflow (`ci.yml`); deploy workflows start when it succeeds on a push. */
export const ciWorkflowName = "CI";

/** The workflow file that bundles the gateway and runs `pulumi up`: its runs are the provenance. */
export const deployWorkflowFile = ".github/workflows/infra.yml";

/** The two GitHub environments, one per Pulumi stack. */
export const environments = ["staging", "production"] as const;
export type EnvironmentName = (typeof environments)[number];

/**
 * The environment the uptime checks of `environment` run in: no reviewers (a check must never
 * wait for an approval), deploy branch only, holding nothing but the Slack webhook.
 */
export function monitoringEnvironment(environment: EnvironmentName): string {
  return `${environment}-uptime`;
}

/** Prefix of the repository-level secrets and variables a stack owns, e.g. `STAGING_WEB_URL`. */
export function repositoryPrefix(environment: EnvironmentName): string {
  return environment.toUpperCase();
}

/** Versions of the CLIs the workflows install, pinned like the actions. */
export const toolVersions = {
  /** `eas-cli`, the same release line as the `@expo/eas-json` the templates are validated with. */
  easCli: "24.8.0",
} as const;
