import { describe, expect, it } from "vitest";
import { allWorkflows } from "./definitions";
import { pinnedActions } from "./pinned-actions";
import { renderWorkflow } from "./render";
import { defaultWorkflowSettings } from "./settings";

const workflows = allWorkflows();

describe("renderWorkflow", () => {
  it.each(workflows.map((workflow) => [workflow.fileName, workflow] as const))(
    "starts %s with a header naming its source file",
    (_, workflow) => {
      expect(renderWorkflow(workflow).split("\n")[0]).toBe(
        `# Generated from ${workflow.sourceFile} by \`npm run workflows\`. Do not edit by hand:`,
      );
    },
  );

  it("writes each pinned action's version after its SHA", () => {
    const rendered = workflows.map(renderWorkflow).join("\n");
    const checkout = pinnedActions.checkout;
    expect(rendered).toContain(
      `uses: ${checkout.repository}@${checkout.sha} # ${checkout.version}`,
    );
  });

  it("renders shared steps in full, without YAML anchors", () => {
    expect(workflows.map(renderWorkflow).join("\n")).not.toMatch(/[&*]a\d+\b/);
  });

  it("is deterministic", () => {
    expect(workflows.map(renderWorkflow)).toEqual(allWorkflows().map(renderWorkflow));
  });

  it("uses the web app folder of the settings in path filters", () => {
    const custom = allWorkflows({ ...defaultWorkflowSettings, webAppPath: "web" });
    const webDeploy = custom.find((workflow) => workflow.fileName === "web-deploy.yml");
    expect(webDeploy?.on.pull_request?.paths).toContain("web/**");
  });

  it("deploys from the configured branch", () => {
    const custom = allWorkflows({ ...defaultWorkflowSettings, branch: "trunk" });
    const infra = custom.find((workflow) => workflow.fileName === "infra.yml");
    expect(renderWorkflow(infra!)).toContain("github.event.workflow_run.head_branch == 'trunk'");
  });

  it("leaves database migrations to pulumi up: no workflow runs the Supabase CLI", () => {
    const rendered = workflows.map(renderWorkflow).join("\n");
    expect(rendered).not.toMatch(/^\s+supabase /m);
    expect(rendered).not.toContain("supabase/setup-cli");
  });
});

describe("pinnedActions", () => {
  it.each(Object.entries(pinnedActions))(
    "pins %s to a full commit SHA and a vX.Y.Z tag",
    (_, action) => {
      expect(action.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(action.version).toMatch(/^v\d+\.\d+\.\d+$/);
    },
  );
});
