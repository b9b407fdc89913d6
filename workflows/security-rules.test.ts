import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseWorkflowText } from "./parsed-workflow";
import { renderWorkflowFiles } from "./rendered-files";
import { securityRules } from "./security-rules";

/** The deliberately bad workflow of each rule; each breaks that rule and no other. */
const badFixtures: Record<string, string> = {
  "pinned-actions": "unpinned-action.yml",
  "top-level-permissions": "write-all-permissions.yml",
  "timeout-minutes": "missing-timeout.yml",
  "persist-credentials": "persisted-credentials.yml",
  "deploy-concurrency": "deploy-without-concurrency.yml",
  "no-untrusted-context-in-run": "untrusted-context-in-run.yml",
  "production-environment": "production-outside-environment.yml",
  "secrets-in-environments": "secret-outside-environment.yml",
  "token-scope-per-step": "token-during-install.yml",
  "npm-ci": "npm-install.yml",
  "artifact-provenance": "artifact-without-provenance.yml",
};

function fixture(fileName: string) {
  return parseWorkflowText(
    fileName,
    readFileSync(join(__dirname, "__fixtures__", fileName), "utf8"),
  );
}

const rendered = renderWorkflowFiles().map((file) => parseWorkflowText(file.path, file.content));

describe.each(securityRules)("rule $id", (rule) => {
  it("holds for every rendered workflow", () => {
    expect(rendered.flatMap((workflow) => rule.check(workflow))).toEqual([]);
  });

  it("fails on its deliberately bad workflow", () => {
    const bad = fixture(badFixtures[rule.id] ?? `missing fixture for ${rule.id}`);
    expect(rule.check(bad).length).toBeGreaterThan(0);
  });

  it("is the only rule its bad workflow breaks", () => {
    const bad = fixture(badFixtures[rule.id] ?? `missing fixture for ${rule.id}`);
    const broken = securityRules.filter((other) => other.check(bad).length > 0);
    expect(broken.map((other) => other.id)).toEqual([rule.id]);
  });
});

describe("the security rules", () => {
  it("cover every hardening rule of the design", () => {
    expect(securityRules.map((rule) => rule.id).sort()).toEqual(Object.keys(badFixtures).sort());
  });

  it("accept trusted contexts in run scripts", () => {
    const workflow = parseWorkflowText(
      "matrix.yml",
      "permissions: {}\njobs:\n  build:\n    timeout-minutes: 5\n    steps:\n      - run: echo ${{ matrix.platform }}\n",
    );
    const rule = securityRules.find((candidate) => candidate.id === "no-untrusted-context-in-run");
    expect(rule?.check(workflow)).toEqual([]);
  });

  it("reject dispatch inputs in run scripts", () => {
    const workflow = parseWorkflowText(
      "inputs.yml",
      "permissions: {}\njobs:\n  build:\n    timeout-minutes: 5\n    steps:\n      - run: echo ${{ inputs.name }}\n",
    );
    const rule = securityRules.find((candidate) => candidate.id === "no-untrusted-context-in-run");
    expect(rule?.check(workflow)).toHaveLength(1);
  });
});
