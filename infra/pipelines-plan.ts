/**
 * What the Pipelines component manages for one stack, as plain data: which GitHub secrets and
 * variables, in which scope, under which names, and which workflow files. Kept pure so the
 * "two stacks never manage the same GitHub resource" rule is testable without Pulumi.
 */
import {
  environmentSecretNames,
  environmentVariableNames,
  monitoringSecretNames,
  repositoryVariableNames,
} from "../workflows/github-names";
import { renderWorkflowFiles, type RenderedFile } from "../workflows/rendered-files";
import {
  monitoringEnvironment,
  type EnvironmentName,
  type WorkflowSettings,
} from "../workflows/settings";

/** The secret values a stack hands the Pipelines component, by role. */
export type PipelineSecretSource =
  "vercelToken" | "expoToken" | "pulumiAccessToken" | "slackWebhookUrl";

/** The non-secret values, by role. */
export type PipelineVariableSource =
  | "vercelTeamId"
  | "vercelProjectId"
  | "webUrl"
  | "gatewayUrl"
  | "uptimeRetries"
  | "uptimeTimeoutSeconds";

/**
 * Where a secret or variable lives: the stack's environment, its `<environment>-uptime`
 * monitoring environment, or the repository (variables only: a repository secret is readable by
 * any branch's workflow, pull requests included).
 */
export type GitHubScope = "environment" | "monitoring" | "repository";

/** One Actions secret or variable the stack writes. */
export interface PlannedValue<Source extends string> {
  /** Name the workflows read. @example "VERCEL_TOKEN" */
  name: string;
  /** See {@link GitHubScope}. */
  scope: GitHubScope;
  /** Which argument of the component supplies the value. */
  source: Source;
}

/** Everything one stack manages on GitHub. */
export interface PipelinesPlan {
  /** The GitHub environment of the stack. */
  environment: EnvironmentName;
  /** The stack's monitoring environment (uptime checks), e.g. `production-uptime`. */
  monitoringEnvironment: string;
  /** Actions secrets, every one in an environment. */
  secrets: PlannedValue<PipelineSecretSource>[];
  /** Actions variables, environment-scoped and prefixed repository-level ones. */
  variables: PlannedValue<PipelineVariableSource>[];
  /** Workflow files, empty unless the stack manages them. */
  workflowFiles: RenderedFile[];
}

/** Inputs of {@link planPipelines}. */
export interface PipelinesPlanOptions {
  /** The stack's GitHub environment. */
  environment: EnvironmentName;
  /** Whether this stack writes the workflow files (exactly one stack per repository should). */
  manageWorkflowFiles: boolean;
  /** App paths and branch the workflow files are rendered for. */
  workflowSettings: WorkflowSettings;
  /** Whether the stack knows its web URL (checked by the uptime workflow). */
  hasWebUrl: boolean;
}

/** The GitHub resources one stack manages. */
export function planPipelines(options: PipelinesPlanOptions): PipelinesPlan {
  const repositoryVariables = repositoryVariableNames(options.environment);
  const secrets: PlannedValue<PipelineSecretSource>[] = [
    { name: environmentSecretNames.vercelToken, scope: "environment", source: "vercelToken" },
    { name: environmentSecretNames.expoToken, scope: "environment", source: "expoToken" },
    {
      name: environmentSecretNames.pulumiAccessToken,
      scope: "environment",
      source: "pulumiAccessToken",
    },
    { name: monitoringSecretNames.slackWebhookUrl, scope: "monitoring", source: "slackWebhookUrl" },
  ];
  const webUrl = (name: string, scope: GitHubScope): PlannedValue<PipelineVariableSource>[] =>
    options.hasWebUrl ? [{ name, scope, source: "webUrl" }] : [];
  const variables: PlannedValue<PipelineVariableSource>[] = [
    { name: environmentVariableNames.vercelOrgId, scope: "environment", source: "vercelTeamId" },
    {
      name: environmentVariableNames.vercelProjectId,
      scope: "environment",
      source: "vercelProjectId",
    },
    ...webUrl(environmentVariableNames.webUrl, "environment"),
    { name: environmentVariableNames.gatewayUrl, scope: "environment", source: "gatewayUrl" },
    ...webUrl(repositoryVariables.webUrl, "repository"),
    { name: repositoryVariables.gatewayUrl, scope: "repository", source: "gatewayUrl" },
    { name: repositoryVariables.uptimeRetries, scope: "repository", source: "uptimeRetries" },
    {
      name: repositoryVariables.uptimeTimeoutSeconds,
      scope: "repository",
      source: "uptimeTimeoutSeconds",
    },
  ];
  return {
    environment: options.environment,
    monitoringEnvironment: monitoringEnvironment(options.environment),
    secrets,
    variables,
    workflowFiles: options.manageWorkflowFiles ? renderWorkflowFiles(options.workflowSettings) : [],
  };
}

/**
 * One string per GitHub object the plan writes (`kind:scope:name`). Two stacks sharing a
 * repository must have disjoint sets, or each `pulumi up` would overwrite the other's value.
 */
export function managedGitHubObjects(plan: PipelinesPlan): string[] {
  const scoped = (scope: GitHubScope) =>
    scope === "environment"
      ? plan.environment
      : scope === "monitoring"
        ? plan.monitoringEnvironment
        : "repository";
  return [
    `environment:${plan.environment}`,
    `environment:${plan.monitoringEnvironment}`,
    ...plan.secrets.map((secret) => `secret:${scoped(secret.scope)}:${secret.name}`),
    ...plan.variables.map((variable) => `variable:${scoped(variable.scope)}:${variable.name}`),
    ...plan.workflowFiles.map((file) => `file:${file.path}`),
  ];
}
