import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readTemplateStack } from "../templates/template-stack";
import { defaultWorkflowSettings } from "../workflows/settings";
import { managedGitHubObjects, planPipelines, type PipelinesPlanOptions } from "./pipelines-plan";

const root = join(__dirname, "..");

function optionsFor(stackName: string): PipelinesPlanOptions {
  const stack = readTemplateStack(root, stackName);
  return {
    environment: stack.platform.environment,
    manageWorkflowFiles: stack.platform.github.manageWorkflowFiles,
    workflowSettings: { ...defaultWorkflowSettings, branch: stack.platform.github.branch },
    hasWebUrl: true,
  };
}

describe("planPipelines", () => {
  it("gives the committed staging and production stacks disjoint GitHub objects", () => {
    const staging = new Set(managedGitHubObjects(planPipelines(optionsFor("staging"))));
    const overlap = managedGitHubObjects(planPipelines(optionsFor("production"))).filter((object) =>
      staging.has(object),
    );
    expect(overlap).toEqual([]);
  });

  it("lets exactly one committed stack manage the workflow files", () => {
    const managing = ["staging", "production"].filter(
      (stackName) => planPipelines(optionsFor(stackName)).workflowFiles.length > 0,
    );
    expect(managing).toHaveLength(1);
  });

  it("would collide if both stacks managed the workflow files", () => {
    const both = (environment: "staging" | "production") =>
      managedGitHubObjects(
        planPipelines({ ...optionsFor(environment), environment, manageWorkflowFiles: true }),
      );
    const staging = new Set(both("staging"));
    expect(both("production").filter((object) => staging.has(object))).toContain(
      "file:.github/workflows/web-deploy.yml",
    );
  });

  it("prefixes repository-level names with the environment", () => {
    const plan = planPipelines(optionsFor("staging"));
    const repositoryNames = [...plan.secrets, ...plan.variables]
      .filter((value) => value.scope === "repository")
      .map((value) => value.name);
    expect(repositoryNames.length).toBeGreaterThan(0);
    for (const name of repositoryNames) expect(name).toMatch(/^STAGING_/);
  });

  it("writes no Supabase credential: only `pulumi up`, with the stack's own, talks to Supabase", () => {
    const plan = planPipelines(optionsFor("staging"));
    expect(
      plan.secrets.map((secret) => secret.name).filter((name) => /^SUPABASE_/.test(name)),
    ).toEqual([]);
  });

  it("skips the web URL variables when the URL is unknown", () => {
    const plan = planPipelines({ ...optionsFor("staging"), hasWebUrl: false });
    expect(plan.variables.map((variable) => variable.name)).not.toContain("STAGING_WEB_URL");
  });
});
