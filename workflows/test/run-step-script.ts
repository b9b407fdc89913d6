import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWorkflowText } from "../parsed-workflow";
import { renderWorkflowFiles } from "../rendered-files";

/** The outcome of one step script. */
export interface StepRun {
  /** Exit status of bash. */
  status: number | null;
  /** stdout and stderr together, in order. */
  output: string;
  /** Lines the script appended to `$GITHUB_OUTPUT`, as key/value pairs. */
  outputs: Record<string, string>;
}

/** The `run:` script of a step of a rendered workflow, exactly as committed. */
export function stepScript(fileName: string, jobId: string, stepName: string): string {
  const file = renderWorkflowFiles().find((candidate) => candidate.path.endsWith(`/${fileName}`));
  if (!file) throw new Error(`no rendered workflow ${fileName}`);
  const step = parseWorkflowText(fileName, file.content).jobs[jobId]?.steps?.find(
    (candidate) => candidate.name === stepName,
  );
  if (typeof step?.run !== "string")
    throw new Error(`${fileName}: no run step "${stepName}" in ${jobId}`);
  return step.run;
}

/**
 * Runs a step script the way GitHub's `bash` shell does (`bash --noprofile --norc -eo pipefail`)
 * in `cwd`, with only `environment` plus PATH and a fresh `$GITHUB_OUTPUT`. Asynchronous, so
 * loopback servers in the test process keep answering while it runs.
 */
export function runStepScript(
  script: string,
  options: { cwd: string; environment: Record<string, string> },
): Promise<StepRun> {
  const outputFile = join(mkdtempSync(join(tmpdir(), "step-output-")), "github-output");
  writeFileSync(outputFile, "");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd: options.cwd,
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        GITHUB_OUTPUT: outputFile,
        ...options.environment,
      },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => {
      const outputs = Object.fromEntries(
        readFileSync(outputFile, "utf8")
          .split("\n")
          .filter((line) => line.includes("="))
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      resolve({ status, output, outputs });
    });
  });
}
