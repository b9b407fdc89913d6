import { environmentSecretNames } from "./github-names";
import { environmentName, type ParsedJob, type ParsedWorkflow } from "./parsed-workflow";

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
        .filter(([, job]) => environmentName(job) !== "production")
        .map(([id]) => `${workflow.fileName}: job ${id} is not in the production environment`),
  },
];
