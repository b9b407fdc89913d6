import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { parseWorkflowText } from "./parsed-workflow";
import { renderWorkflowFiles } from "./rendered-files";
import { actionlint } from "./test/actionlint";
import { extractRunScripts } from "./test/run-scripts";
import { shellcheck } from "./test/shellcheck";

const files = renderWorkflowFiles();

describe.each(files)("$path", (file) => {
  it("has zero actionlint findings", async () => {
    expect(await actionlint(file.content, file.path)).toEqual([]);
  });

  it("has zero @actions/workflow-parser errors", async () => {
    const result = parseWorkflow(
      { name: file.path, content: file.content },
      new NoOperationTraceWriter(),
    );
    expect(result.value).toBeDefined();
    // Conversion adds the semantic checks (job graph, needs, matrix) to the schema checks.
    const template = result.value
      ? await convertWorkflowTemplate(result.context, result.value)
      : undefined;
    expect([
      ...result.context.errors.getErrors().map((error) => error.message),
      ...(template?.errors ?? []).map((error) => error.Message),
    ]).toEqual([]);
  });

  it("has shellcheck-clean run scripts", () => {
    const scripts = extractRunScripts(parseWorkflowText(file.path, file.content));
    const findings = scripts.flatMap(({ location, script }) =>
      shellcheck(script).map((finding) => `${location}: SC${finding.code} ${finding.message}`),
    );
    expect(scripts.length).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  });
});

describe("workflows rendered for another repository layout", () => {
  // What the Pipelines component writes for a stack with its own branch and app folders.
  const custom = renderWorkflowFiles({
    branch: "trunk",
    webAppPath: "packages/site",
    mobileAppPath: "packages/app",
    nodeVersion: "22",
  });

  it.each(custom.map((file) => [file.path, file] as const))(
    "%s has zero actionlint findings",
    async (_, file) => {
      expect(await actionlint(file.content, file.path)).toEqual([]);
    },
  );
});

describe("the validators", () => {
  const bad = [
    "on: push",
    "permissions: {}",
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: five",
    "    steps:",
    "      - run: echo ${{ github.event.pull_request.title }}",
    "      - run: cd $HOME/dir",
    "",
  ].join("\n");

  it("actionlint reports a broken workflow", async () => {
    expect((await actionlint(bad, "bad.yml")).length).toBeGreaterThan(0);
  });

  it("@actions/workflow-parser reports a job that needs a job that does not exist", async () => {
    const content = [
      "on: push",
      "jobs:",
      "  deploy:",
      "    runs-on: ubuntu-latest",
      "    needs: [build]",
      "    steps:",
      "      - run: echo deploy",
      "",
    ].join("\n");
    const result = parseWorkflow({ name: "needs.yml", content }, new NoOperationTraceWriter());
    const template = result.value
      ? await convertWorkflowTemplate(result.context, result.value)
      : undefined;
    expect(
      result.context.errors.getErrors().length + (template?.errors ?? []).length,
    ).toBeGreaterThan(0);
  });

  it("@actions/workflow-parser reports a broken workflow", () => {
    const result = parseWorkflow({ name: "bad.yml", content: bad }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  it("shellcheck reports an unquoted variable", () => {
    const scripts = extractRunScripts(parseWorkflowText("bad.yml", bad));
    expect(
      scripts.flatMap(({ script }) => shellcheck(script)).map((finding) => finding.code),
    ).toContain(2086);
  });
});
