import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentName } from "../workflows/settings";
import { childName } from "./names";
import {
  planPipelines,
  type PipelineSecretSource,
  type PipelineVariableSource,
} from "./pipelines-plan";

/** Secret values the workflows need; each becomes a Pulumi secret whatever form it arrives in. */
export interface PipelinesSecrets {
  /** Vercel token (`vercel:apiToken`), GitHub secret `VERCEL_TOKEN`. */
  vercelToken: pulumi.Input<string>;
  /** Expo token (`platform:expoToken`), `EXPO_TOKEN`. */
  expoToken: pulumi.Input<string>;
  /**
   * Pulumi access token (`platform:pulumiAccessToken`): `PULUMI_ACCESS_TOKEN` in the environment,
   * the fallback of the `pulumi up` step when Pulumi Cloud OIDC is not set up.
   */
  pulumiAccessToken: pulumi.Input<string>;
  /**
   * Slack incoming webhook URL (`platform:slackWebhookUrl`), `SLACK_WEBHOOK_URL` in the
   * `<environment>-uptime` monitoring environment.
   */
  slackWebhookUrl: pulumi.Input<string>;
}

/** Who may approve production jobs: GitHub keeps user ids and team ids apart. */
export interface ProductionReviewers {
  /** Numeric GitHub user ids. @example [1234567] */
  users: readonly number[];
  /** Numeric GitHub team ids. @default [] */
  teams: readonly number[];
}

/** Arguments of {@link Pipelines}. */
export interface PipelinesArgs {
  /** Repository name (without the owner; the provider carries the owner). @example "ai-platform" */
  repository: pulumi.Input<string>;
  /**
   * The stack's GitHub environment. A plain value because it names resources and decides the
   * protection rules.
   * @example "production"
   */
  environment: EnvironmentName;
  /** Branch whose pushes deploy; also production's deployment branch policy. @default "main" */
  branch: string;
  /**
   * Write the rendered workflows into the repository. Exactly one stack per repository should,
   * so two stacks never fight over the same file. A plain boolean: it decides which resources
   * exist.
   * @default false
   */
  manageWorkflowFiles?: boolean;
  /**
   * Users and teams allowed to approve production jobs (`platform:github.productionReviewers`),
   * at most 6 together (GitHub's limit). Required for production. Plain numbers: they shape
   * the environment's protection rules.
   * @example { users: [1234567], teams: [] }
   */
  productionReviewers: ProductionReviewers;
  /** The web app's folder, for the workflows' path filters. @example "apps/web" */
  webAppPath: string;
  /** The mobile app's folder, for the workflows' path filters. @example "apps/mobile" */
  mobileAppPath: string;
  /** Node.js major version of the workflows' jobs. @default "20" */
  nodeVersion?: string;
  /**
   * Minutes between uptime checks (`platform:uptime.intervalMinutes`), the rendered schedule.
   * A plain number: it shapes the workflow file.
   * @default 5
   */
  uptimeIntervalMinutes?: number;
  /** Secret values, written as Actions secrets. */
  secrets: PipelinesSecrets;
  /** Vercel team id (`platform:vercel.teamId`), variable `VERCEL_ORG_ID`. */
  vercelTeamId: pulumi.Input<string>;
  /** Vercel project id (from the WebApp component), variable `VERCEL_PROJECT_ID`. */
  vercelProjectId: pulumi.Input<string>;
  /** The gateway's URL, variables `GATEWAY_URL` and `<ENVIRONMENT>_GATEWAY_URL` (uptime). */
  gatewayUrl: pulumi.Input<string>;
  /**
   * The web app's stable URL, variables `WEB_URL` and `<ENVIRONMENT>_WEB_URL` (uptime); without
   * it the uptime workflow checks only the gateway of this environment.
   * @default undefined
   * @example "https://ai-platform-web-production.vercel.app"
   */
  webUrl?: pulumi.Input<string>;
  /** Uptime retries before an outage is declared (`platform:uptime.retries`). @default 2 */
  uptimeRetries?: pulumi.Input<number>;
  /** Uptime request timeout in seconds (`platform:uptime.timeoutSeconds`). @default 10 */
  uptimeTimeoutSeconds?: pulumi.Input<number>;
}

/**
 * The GitHub side of one stack: its Actions environment (production: reviewers, no self-review;
 * both: only the deploy branch may use it), a monitoring environment for the uptime checks (the
 * Slack webhook, deploy branch only, no reviewers), the environments' secrets and variables, this
 * stack's prefixed repository variables (uptime), and, when enabled, the rendered workflow files.
 * No repository-level secret: a pull request's workflow could read it.
 */
export class Pipelines extends pulumi.ComponentResource {
  /** The GitHub environment's name. */
  readonly environmentName: pulumi.Output<string>;
  /** Paths of the workflow files this stack writes (empty when it does not manage them). */
  readonly workflowFiles: string[];
  /** Names of the Actions secrets this stack writes. */
  readonly secretNames: string[];
  /** Names of the Actions variables this stack writes. */
  readonly variableNames: string[];

  constructor(name: string, args: PipelinesArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:index:Pipelines", name, {}, options);
    const production = args.environment === "production";
    const { users, teams } = args.productionReviewers;
    if (production && users.length + teams.length === 0) {
      throw new Error(
        "platform:github.productionReviewers must list at least one GitHub user or team id: " +
          "production deploys wait for one of them to approve",
      );
    }
    const plan = planPipelines({
      environment: args.environment,
      manageWorkflowFiles: args.manageWorkflowFiles ?? false,
      workflowSettings: {
        branch: args.branch,
        webAppPath: args.webAppPath,
        mobileAppPath: args.mobileAppPath,
        nodeVersion: args.nodeVersion ?? "20",
        uptimeIntervalMinutes: args.uptimeIntervalMinutes ?? 5,
      },
      hasWebUrl: args.webUrl !== undefined,
    });
    const child = { parent: this };

    // Only the deploy branch may use either environment: a pull request (or a workflow edited on
    // any other branch) gets none of their secrets. Production also waits for a reviewer.
    const environment = new github.RepositoryEnvironment(
      childName(name, "environment"),
      {
        repository: args.repository,
        environment: args.environment,
        preventSelfReview: production,
        canAdminsBypass: !production,
        reviewers: production ? [{ users: [...users], teams: [...teams] }] : [],
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      },
      child,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
      childName(name, "branch-policy"),
      {
        repository: args.repository,
        environment: environment.environment,
        branchPattern: args.branch,
      },
      child,
    );
    const monitoring = new github.RepositoryEnvironment(
      childName(name, "monitoring-environment"),
      {
        repository: args.repository,
        environment: plan.monitoringEnvironment,
        canAdminsBypass: false,
        reviewers: [],
        deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
      },
      child,
    );
    new github.RepositoryEnvironmentDeploymentPolicy(
      childName(name, "monitoring-branch-policy"),
      {
        repository: args.repository,
        environment: monitoring.environment,
        branchPattern: args.branch,
      },
      child,
    );

    const secretValue = (source: PipelineSecretSource): pulumi.Input<string> => {
      const value = args.secrets[source];
      if (value === undefined) throw new Error(`Pipelines: secrets.${source} is required`);
      return value;
    };
    for (const secret of plan.secrets) {
      const value = pulumi.secret(secretValue(secret.source));
      if (secret.scope === "repository") {
        throw new Error(`Pipelines: secret ${secret.name} must live in an environment`);
      }
      const scope = secret.scope === "monitoring" ? monitoring : environment;
      new github.ActionsEnvironmentSecret(
        childName(
          name,
          "secret",
          secret.scope === "monitoring" ? `uptime-${secret.name}` : secret.name,
        ),
        {
          repository: args.repository,
          environment: scope.environment,
          secretName: secret.name,
          value,
        },
        child,
      );
    }

    const variableValues: Record<PipelineVariableSource, pulumi.Input<string> | undefined> = {
      vercelTeamId: args.vercelTeamId,
      vercelProjectId: args.vercelProjectId,
      webUrl: args.webUrl,
      gatewayUrl: args.gatewayUrl,
      uptimeRetries: pulumi.output(args.uptimeRetries ?? 2).apply(String),
      uptimeTimeoutSeconds: pulumi.output(args.uptimeTimeoutSeconds ?? 10).apply(String),
    };
    for (const variable of plan.variables) {
      const value = variableValues[variable.source];
      if (value === undefined) throw new Error(`Pipelines: ${variable.source} is required`);
      if (variable.scope !== "repository") {
        new github.ActionsEnvironmentVariable(
          childName(name, "variable", variable.name),
          {
            repository: args.repository,
            environment: environment.environment,
            variableName: variable.name,
            value,
          },
          child,
        );
      } else {
        new github.ActionsVariable(
          childName(name, "variable", variable.name),
          { repository: args.repository, variableName: variable.name, value },
          child,
        );
      }
    }

    for (const file of plan.workflowFiles) {
      new github.RepositoryFile(
        childName(name, "file", file.path.replace(/^\.github\/workflows\//, "")),
        {
          repository: args.repository,
          branch: args.branch,
          file: file.path,
          content: file.content,
          commitMessage: `ci: update ${file.path} (rendered by npm run workflows, applied by pulumi up)`,
          overwriteOnCreate: true,
        },
        child,
      );
    }

    this.environmentName = environment.environment;
    this.workflowFiles = plan.workflowFiles.map((file) => file.path);
    this.secretNames = plan.secrets.map((secret) => secret.name);
    this.variableNames = plan.variables.map((variable) => variable.name);
    this.registerOutputs({
      environmentName: this.environmentName,
      workflowFiles: this.workflowFiles,
      secretNames: this.secretNames,
      variableNames: this.variableNames,
    });
  }
}
