import * as pulumi from "@pulumi/pulumi";
import * as vercel from "@pulumiverse/vercel";
import { childName } from "./names";
import { sensitiveVariableTargets, webAppVariables } from "./web-app-environment";

/** Arguments of {@link WebApp}. */
export interface WebAppArgs {
  /** Vercel team that owns the project. @example "team_abc123" */
  teamId: pulumi.Input<string>;
  /**
   * Vercel project name. Each stack owns its own project (see README, "Staging and
   * production on Vercel").
   * @example "ai-platform-web-staging"
   */
  projectName: pulumi.Input<string>;
  /**
   * Vercel framework preset; also picks the prefix of browser-visible variables. A plain
   * string because the variable names are computed from it.
   * @example "nextjs"
   */
  framework: string;
  /** The app's folder inside the repository. @example "apps/web" */
  rootDirectory: pulumi.Input<string>;
  /**
   * GitHub repository Vercel deploys from, as `owner/name`; omit to connect it by hand.
   * @default undefined
   */
  gitRepository?: pulumi.Input<string>;
  /**
   * Vercel targets that receive the variables: `preview` for staging, `production` for
   * production (data in the stack files). Sensitive variables skip `development`, which
   * Vercel does not allow them; config validation rejects a list of `development` alone.
   * @example ["preview"]
   */
  environmentTargets: pulumi.Input<pulumi.Input<string>[]>;
  /** Upstash REST URL (a secret). */
  redisRestUrl: pulumi.Input<string>;
  /** Upstash REST token (a secret). */
  redisRestToken: pulumi.Input<string>;
  /** The LLM gateway's URL. */
  gatewayUrl: pulumi.Input<string>;
  /** PostHog project key (public ingest key). */
  posthogKey: pulumi.Input<string>;
  /** PostHog ingest host. @example "https://us.i.posthog.com" */
  posthogHost: pulumi.Input<string>;
  /**
   * `protect` the project (its deployments and domains). A plain boolean because resource
   * options cannot wait for Outputs.
   * @default false
   */
  protect?: boolean;
}

/** The Vercel project of the web app, with its environment wired from the platform. */
export class WebApp extends pulumi.ComponentResource {
  /** Vercel project id. */
  readonly projectId: pulumi.Output<string>;
  /** Vercel project name. */
  readonly projectName: pulumi.Output<string>;
  /** Names of the environment variables set on the project. */
  readonly variableKeys: string[];

  constructor(name: string, args: WebAppArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:index:WebApp", name, {}, options);

    const project = new vercel.Project(
      childName(name, "project"),
      {
        name: args.projectName,
        teamId: args.teamId,
        framework: args.framework,
        rootDirectory: args.rootDirectory,
        gitRepository:
          args.gitRepository === undefined
            ? undefined
            : { type: "github", repo: args.gitRepository },
      },
      { parent: this, protect: args.protect ?? false },
    );

    const variables = webAppVariables(args.framework, args);
    const sensitiveTargets = pulumi.output(args.environmentTargets).apply(sensitiveVariableTargets);
    for (const variable of variables) {
      new vercel.ProjectEnvironmentVariable(
        childName(name, "env", variable.key),
        {
          projectId: project.id,
          teamId: args.teamId,
          key: variable.key,
          value: variable.sensitive ? pulumi.secret(variable.value) : variable.value,
          sensitive: variable.sensitive,
          targets: variable.sensitive ? sensitiveTargets : args.environmentTargets,
          comment: variable.comment,
        },
        { parent: this },
      );
    }

    this.projectId = project.id;
    this.projectName = project.name;
    this.variableKeys = variables.map((variable) => variable.key);
    this.registerOutputs({ projectId: this.projectId, projectName: this.projectName });
  }
}
