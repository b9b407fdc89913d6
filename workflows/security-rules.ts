import { environmentSecretNames } from "./github-names";
import {
  environmentName,
  secretReferences,
  type ParsedJob,
  type ParsedWorkflow,
} from "./parsed-workflow";
import { monitoringEnvironment } from "./settings";

/** A hardening rule: returns one message per violation, empty when the workflow complies. */
export interface SecurityRule {
  /** Stable id, used in test names and messages. */
  id: string;
  /** What the rule demands and why. */
  description: string;
  check(workflow: ParsedWorkflow): string[];
}

const fullShaWithVersion = /^\s*-?\s*uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/;

/**
 * Contexts a `run:` script may interpolate: values the workflow author controls. Everything else
 * (event payloads, branch names, dispatch inputs, step outputs) must come through `env:`.
 */
const trustedRunContexts =
  /^(matrix\.[\w-]+|runner\.\w+|github\.(sha|run_id|run_number|run_attempt|repository|server_url|workspace))$/;

/** Whether a job reads a deploy credential (an environment-scoped secret) anywhere. */
function usesDeployCredential(job: ParsedJob): boolean {
  const text = JSON.stringify(job);
  return Object.values(environmentSecretNames).some((name) => text.includes(`secrets.${name}`));
}

export const securityRules: SecurityRule[] = [
  {
    id: "pinned-actions",
    description: "every `uses:` is pinned to a full commit SHA with a `# vX.Y.Z` comment",
    check: (workflow) =>
      workflow.text
        .split("\n")
        .map((line, index) => ({ line, number: index + 1 }))
        .filter(({ line }) => /^\s*-?\s*uses:/.test(line) && !fullShaWithVersion.test(line))
        .map(({ line, number }) => `${workflow.fileName}:${number}: not pinned: ${line.trim()}`),
  },
  {
    id: "top-level-permissions",
    description: "the workflow declares read-only top-level `permissions`",
    check: (workflow) => {
      const permissions = workflow.permissions;
      if (permissions === undefined) return [`${workflow.fileName}: no top-level permissions`];
      if (typeof permissions !== "object" || permissions === null) {
        return [
          `${workflow.fileName}: top-level permissions must list scopes, got ${String(permissions)}`,
        ];
      }
      return Object.entries(permissions)
        .filter(([, access]) => access === "write")
        .map(([scope]) => `${workflow.fileName}: top-level permissions grant ${scope}: write`);
    },
  },
  {
    id: "timeout-minutes",
    description: "every job sets `timeout-minutes`",
    check: (workflow) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => typeof job["timeout-minutes"] !== "number")
        .map(([id]) => `${workflow.fileName}: job ${id} has no timeout-minutes`),
  },
  {
    id: "persist-credentials",
    description: "every checkout sets `persist-credentials: false`",
    check: (workflow) =>
      Object.entries(workflow.jobs).flatMap(([id, job]) =>
        (job.steps ?? [])
          .filter((step) => step.uses?.startsWith("actions/checkout@"))
          .filter((step) => step.with?.["persist-credentials"] !== false)
          .map(() => `${workflow.fileName}: job ${id} checks out with persisted credentials`),
      ),
  },
  {
    id: "deploy-concurrency",
    description: "every job that deploys to an environment sets `concurrency`",
    check: (workflow) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => environmentName(job) !== undefined && job.concurrency === undefined)
        .map(([id]) => `${workflow.fileName}: deploy job ${id} has no concurrency`),
  },
  {
    id: "no-untrusted-context-in-run",
    description: "`run:` scripts interpolate no `${{ }}` expression except trusted contexts",
    check: (workflow) =>
      Object.entries(workflow.jobs).flatMap(([id, job]) =>
        (job.steps ?? []).flatMap((step) =>
          [...(step.run ?? "").matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)]
            .map((match) => match[1] ?? "")
            .filter((expression) => !trustedRunContexts.test(expression))
            .map(
              (expression) =>
                `${workflow.fileName}: job ${id} step "${step.name ?? "?"}" interpolates \${{ ${expression} }} in run:`,
            ),
        ),
      ),
  },
  {
    id: "production-environment",
    description:
      "every production job (its id names production, and it uses an environment or a deploy credential) runs in the `production` environment",
    check: (workflow) =>
      Object.entries(workflow.jobs)
        .filter(([id]) => id.includes("production"))
        .filter(([, job]) => environmentName(job) !== undefined || usesDeployCredential(job))
        .filter(([, job]) => {
          const name = environmentName(job);
          return name !== "production" && name !== monitoringEnvironment("production");
        })
        .map(([id]) => `${workflow.fileName}: job ${id} is not in the production environment`),
  },
  {
    id: "secrets-in-environments",
    description:
      "every job that reads a secret runs in an environment (whose deployment-branch policy keeps pull requests out)",
    check: (workflow) =>
      Object.entries(workflow.jobs)
        .filter(([, job]) => environmentName(job) === undefined)
        .flatMap(([id, job]) =>
          secretReferences(job).map(
            (name) =>
              `${workflow.fileName}: job ${id} reads secrets.${name} outside an environment`,
          ),
        ),
  },
  {
    id: "token-scope-per-step",
    description:
      "tokens reach single run steps: never a job-wide env, never an action's inputs, never a step that installs dependencies or builds the app",
    check: (workflow) =>
      Object.entries(workflow.jobs).flatMap(([id, job]) => [
        ...secretReferences(job.env).map(
          (name) => `${workflow.fileName}: job ${id} gives secrets.${name} to every step`,
        ),
        ...(job.steps ?? []).flatMap((step) => {
          const label = `${workflow.fileName}: job ${id} step "${step.name ?? "?"}"`;
          if (step.uses !== undefined) {
            return secretReferences([step.with, step.env]).map(
              (name) => `${label} hands secrets.${name} to an action`,
            );
          }
          const installsOrBuilds = unsafeCommands.some((command) => command.test(step.run ?? ""));
          return installsOrBuilds
            ? secretReferences(step.env).map(
                (name) => `${label} installs or builds while secrets.${name} is set`,
              )
            : [];
        }),
      ]),
  },
  {
    id: "npm-ci",
    description: "installs use `npm ci` (the lockfile, exactly), never `npm install`",
    check: (workflow) =>
      Object.entries(workflow.jobs).flatMap(([id, job]) =>
        (job.steps ?? [])
          .filter((step) => /\bnpm (install|i|add)\b/.test(step.run ?? ""))
          .map(
            (step) =>
              `${workflow.fileName}: job ${id} step "${step.name ?? "?"}" runs npm install, not npm ci`,
          ),
      ),
  },
  {
    id: "artifact-provenance",
    description:
      "a job that deploys another run's artifact checks that run's provenance (workflow, event, branch, repository) first",
    check: (workflow) =>
      Object.entries(workflow.jobs).flatMap(([id, job]) => {
        const steps = job.steps ?? [];
        const provenance = steps.findIndex((step) =>
          (step.run ?? "").includes('check_run_provenance "'),
        );
        return steps
          .map((step, index) => ({ step, index }))
          .filter(({ step }) => downloadsFromAnotherRun(step))
          .filter(({ index }) => provenance === -1 || provenance > index)
          .map(
            ({ step }) =>
              `${workflow.fileName}: job ${id} step "${step.name ?? "?"}" fetches another run's artifact without a provenance check before it`,
          );
      }),
  },
];

/** Commands that run third-party code: dependency install scripts or the app's build. */
const unsafeCommands = [
  /\bnpm (ci|install|i)\b/,
  /\bnpm run (build|bundle)\b/,
  /\byarn\b|\bpnpm\b/,
  /"\$vercel" build\b|\bvercel build\b/,
];

/** Whether a step downloads an artifact of another workflow run. */
function downloadsFromAnotherRun(step: {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}) {
  if (step.uses?.startsWith("actions/download-artifact@") && step.with?.["run-id"] !== undefined) {
    return true;
  }
  return /\/actions\/artifacts\/[^/\s"]+\/zip/.test(step.run ?? "");
}
