import { readContents } from "../permissions";
import { ciWorkflowName, type WorkflowSettings } from "../settings";
import { runStep } from "../step";
import { checkoutStep, installDependenciesStep, setupNodeStep } from "../steps";
import type { Workflow } from "../workflow";

/** Writes vitest's coverage totals (json-summary reporter) as a table in the job summary. */
const coverageSummaryScript = [
  "summary=coverage/coverage-summary.json",
  'if [ ! -f "$summary" ]; then',
  '  echo "::warning::no coverage summary at ${summary}"',
  "  exit 0",
  "fi",
  "{",
  '  echo "### Test coverage"',
  '  echo ""',
  '  echo "| metric | covered | total | % |"',
  '  echo "| --- | --- | --- | --- |"',
  '  jq -r \'.total | to_entries[] | "| \\(.key) | \\(.value.covered) | \\(.value.total) | \\(.value.pct) |"\' "$summary"',
  '} >> "$GITHUB_STEP_SUMMARY"',
].join("\n");

/**
 * CI of the repository itself, on every pull request and push: the locked install, format, lint,
 * types, tests with coverage, the dependency audit, the workflow render check, the prompt lint and
 * the offline plan of every stack. No secret, read-only token. Deploy workflows start only when
 * this workflow succeeds for a push to the deploy branch (`workflow_run`).
 */
export function ciWorkflow(settings: WorkflowSettings): Workflow {
  return {
    fileName: "ci.yml",
    sourceFile: "workflows/definitions/ci.ts",
    name: ciWorkflowName,
    on: {
      push: { branches: [settings.branch] },
      pull_request: { branches: [settings.branch] },
      workflow_dispatch: {},
    },
    permissions: readContents,
    // A newer push to the same pull request cancels the older run; pushes to the deploy branch
    // each run to the end (every one of them may start a deploy).
    concurrency: {
      group: "ci-${{ github.event.pull_request.number || github.sha }}",
      cancelInProgress: true,
    },
    jobs: {
      check: {
        name: "Check",
        permissions: readContents,
        timeoutMinutes: 45,
        steps: [
          checkoutStep,
          setupNodeStep(settings),
          installDependenciesStep(),
          runStep(
            "npm run setup",
            // apt-get needs root; keep the runner's Node.js on the PATH under sudo.
            'sudo --preserve-env=PATH env "PATH=$PATH" npm run setup',
          ),
          runStep("Format check", "npm run format:check"),
          runStep("Lint", "npm run lint"),
          runStep("Type check", "npm run typecheck"),
          runStep(
            "Test with coverage",
            "npm test -- --coverage.enabled --coverage.provider=v8 --coverage.reporter=text-summary --coverage.reporter=json-summary",
          ),
          runStep("Coverage summary", coverageSummaryScript, { if: "always()" }),
          runStep("Audit production dependencies", "npm audit --omit=dev --audit-level=high"),
          runStep("Workflows match their render", "npm run workflows -- --check"),
          runStep("Prompt lint", "npm run lint:prompts"),
          runStep(
            "Plan every stack",
            [
              "npm run plan -- --all | tee plan.txt",
              "{ printf '### npm run plan -- --all\\n\\n```\\n'; cat plan.txt; printf '```\\n'; } >> \"$GITHUB_STEP_SUMMARY\"",
            ].join("\n"),
          ),
        ],
      },
    },
  };
}
