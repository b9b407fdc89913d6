import { Document, isScalar, visit } from "yaml";
import type { Job } from "./job";
import { actionReference, findPinnedAction } from "./pinned-actions";
import { isUsesStep, type Step } from "./step";
import type { Workflow } from "./workflow";

type YamlObject = Record<string, unknown>;

/** Drops keys whose value is `undefined`, so the YAML lists only what was set. */
function compact(object: YamlObject): YamlObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function stepToYaml(step: Step): YamlObject {
  const common = { name: step.name, id: step.id, if: step.if };
  if (isUsesStep(step)) {
    return compact({ ...common, uses: actionReference(step.uses), with: step.with, env: step.env });
  }
  return compact({
    ...common,
    "working-directory": step.workingDirectory,
    env: step.env,
    run: step.run.endsWith("\n") ? step.run : `${step.run}\n`,
  });
}

function jobToYaml(job: Job): YamlObject {
  return compact({
    name: job.name,
    "runs-on": job.runsOn ?? "ubuntu-latest",
    needs: job.needs,
    if: job.if,
    environment: job.environment,
    permissions: job.permissions,
    "timeout-minutes": job.timeoutMinutes,
    concurrency: job.concurrency && {
      group: job.concurrency.group,
      "cancel-in-progress": job.concurrency.cancelInProgress,
    },
    strategy: job.strategy && { "fail-fast": job.strategy.failFast, matrix: job.strategy.matrix },
    outputs: job.outputs,
    env: job.env,
    defaults: job.workingDirectory && { run: { "working-directory": job.workingDirectory } },
    steps: job.steps.map(stepToYaml),
  });
}

/** The workflow as the plain object GitHub reads. */
export function workflowToYaml(workflow: Workflow): YamlObject {
  return compact({
    name: workflow.name,
    on: workflow.on,
    permissions: workflow.permissions,
    concurrency: workflow.concurrency && {
      group: workflow.concurrency.group,
      "cancel-in-progress": workflow.concurrency.cancelInProgress,
    },
    // Every `run:` is bash with -e and pipefail (GitHub's `bash` shell), on every runner.
    defaults: { run: { shell: "bash" } },
    jobs: Object.fromEntries(
      Object.entries(workflow.jobs).map(([id, job]) => [id, jobToYaml(job)]),
    ),
  });
}

/** The header every rendered file starts with, naming the file it comes from. */
export function renderHeader(workflow: Workflow): string {
  return [
    `# Generated from ${workflow.sourceFile} by \`npm run workflows\`. Do not edit by hand:`,
    "# change the TypeScript source and re-render; `npm run workflows -- --check` fails on drift.",
  ].join("\n");
}

/** Renders a workflow to the YAML committed under `.github/workflows/`. */
export function renderWorkflow(workflow: Workflow): string {
  // Shared step objects must render in full each time, never as YAML anchors and aliases.
  const document = new Document(workflowToYaml(workflow), { aliasDuplicateObjects: false });
  visit(document, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== "uses" || !isScalar(pair.value)) return;
      const action = findPinnedAction(String(pair.value.value));
      if (action) pair.value.comment = ` ${action.version}`;
    },
  });
  const body = document.toString({ lineWidth: 0, blockQuote: "literal" });
  return `${renderHeader(workflow)}\n${body}`;
}
