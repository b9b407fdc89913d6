/**
 * What a pull request can reach: no job a pull request starts reads a secret, every secret the
 * stacks write lives in an environment (so even a workflow edited on a pull request's branch
 * cannot read one: the environments admit only the deploy branch, see infra/pipelines.test.ts),
 * and every deploy job waits for CI to pass on a push to the deploy branch.
 */
import { describe, expect, it } from "vitest";
import { planPipelines } from "../infra/pipelines-plan";
import { afterCiOnDeployBranch } from "./change-triggers";
import {
  environmentName,
  parseWorkflowText,
  secretReferences,
  triggerNames,
  type ParsedJob,
  type ParsedWorkflow,
} from "./parsed-workflow";
import { renderWorkflowFiles } from "./rendered-files";
import { ciWorkflowName, defaultWorkflowSettings, environments } from "./settings";

const workflows = renderWorkflowFiles().map((file) => parseWorkflowText(file.path, file.content));
const pullRequestWorkflows = workflows.filter((workflow) =>
  triggerNames(workflow).some((name) => name.startsWith("pull_request")),
);
const deployWorkflows = workflows.filter((workflow) =>
  triggerNames(workflow).includes("workflow_run"),
);

/**
 * Jobs of a workflow that a `pull_request` event can start: all but those that run only after CI
 * passed on a push (their condition requires the `workflow_run` event).
 */
function pullRequestJobs(workflow: ParsedWorkflow): [string, ParsedJob][] {
  return Object.entries(workflow.jobs).filter(([id]) => !reachesOnlyAfterCi(workflow, id));
}

describe("jobs a pull request starts", () => {
  it("exist, so the check below checks something", () => {
    expect(pullRequestWorkflows.map((workflow) => workflow.fileName).sort()).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/mobile-build.yml",
      ".github/workflows/web-deploy.yml",
    ]);
  });

  it.each(pullRequestWorkflows.map((workflow) => [workflow.fileName, workflow] as const))(
    "%s reads no secret in any job a pull request starts",
    (_, workflow) => {
      const reads = pullRequestJobs(workflow).flatMap(([id, job]) =>
        secretReferences(job).map((name) => `${id}: secrets.${name}`),
      );
      expect(reads).toEqual([]);
    },
  );

  it.each(pullRequestWorkflows.map((workflow) => [workflow.fileName, workflow] as const))(
    "%s starts at least one job on a pull request",
    (_, workflow) => {
      expect(pullRequestJobs(workflow).length).toBeGreaterThan(0);
    },
  );

  it.each(pullRequestWorkflows.map((workflow) => [workflow.fileName, workflow] as const))(
    "%s uses no environment in a job a pull request starts",
    (_, workflow) => {
      const inEnvironments = pullRequestJobs(workflow)
        .filter(([, job]) => environmentName(job) !== undefined)
        .map(([id]) => id);
      expect(inEnvironments).toEqual([]);
    },
  );
});

describe("secrets a workflow edited on a branch could name", () => {
  it.each(environments)("the %s stack writes none at repository level", (environment) => {
    const plan = planPipelines({
      environment,
      manageWorkflowFiles: true,
      workflowSettings: defaultWorkflowSettings,
      hasWebUrl: true,
    });
    expect(plan.secrets.filter((secret) => secret.scope === "repository")).toEqual([]);
  });
});

describe("deploy workflows", () => {
  it("start when CI completes", () => {
    for (const workflow of deployWorkflows) {
      expect(
        (workflow.on as { workflow_run?: { workflows?: string[] } }).workflow_run?.workflows,
      ).toEqual([ciWorkflowName]);
    }
    expect(deployWorkflows.length).toBeGreaterThanOrEqual(3);
  });

  it.each(deployWorkflows.map((workflow) => [workflow.fileName, workflow] as const))(
    "%s deploys only after CI succeeded for a push of the deploy branch",
    (_, workflow) => {
      const deployJobs = Object.entries(workflow.jobs).filter(
        ([, job]) => environmentName(job) !== undefined,
      );
      expect(deployJobs.length).toBeGreaterThan(0);
      for (const [id] of deployJobs) expect(reachesOnlyAfterCi(workflow, id), id).toBe(true);
    },
  );

  it("names the CI workflow that ci.yml defines", () => {
    const ci = workflows.find((workflow) => workflow.fileName.endsWith("/ci.yml"));
    expect(ci?.text).toContain(`\nname: ${ciWorkflowName}\n`);
  });

  it("would catch a deploy job that skipped the CI condition", () => {
    const workflow = parseWorkflowText(
      "bad.yml",
      "on:\n  workflow_run:\n    workflows: [CI]\njobs:\n  deploy:\n    environment: staging\n    steps: []\n",
    );
    expect(reachesOnlyAfterCi(workflow, "deploy")).toBe(false);
  });
});

/**
 * Whether job `id` runs only when the CI condition held: its own `if:` is the condition, or every
 * path through `needs:` leads to a job whose `if:` is.
 */
function reachesOnlyAfterCi(
  workflow: ParsedWorkflow,
  id: string,
  seen = new Set<string>(),
): boolean {
  const condition = afterCiOnDeployBranch(defaultWorkflowSettings);
  const job = workflow.jobs[id] as (ParsedJob & { if?: string; needs?: string[] }) | undefined;
  if (!job || seen.has(id)) return false;
  if (job.if === condition) return true;
  const needs = job.needs ?? [];
  // A job with needs runs only when they succeeded (no `always()` in this repository's conditions).
  if (job.if !== undefined && /always\(\)|failure\(\)|cancelled\(\)/.test(job.if)) return false;
  return (
    needs.length > 0 &&
    needs.some((need) => reachesOnlyAfterCi(workflow, need, new Set([...seen, id])))
  );
}
