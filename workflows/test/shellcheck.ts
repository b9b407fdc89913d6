import { spawnSync } from "node:child_process";

/** One shellcheck finding. */
export interface ShellcheckFinding {
  /** Line in the checked script (two header lines are prepended). */
  line: number;
  /** The SC code, e.g. 2086. */
  code: number;
  /** `error`, `warning`, `info` or `style`. */
  level: string;
  /** What shellcheck says. */
  message: string;
}

/**
 * Runs Debian's `shellcheck` on a script as GitHub runs it (`bash -e {0}`). Throws when
 * shellcheck is missing: a lint that cannot run must not pass.
 */
export function shellcheck(script: string): ShellcheckFinding[] {
  const result = spawnSync("shellcheck", ["--shell=bash", "--format=json", "-"], {
    input: `#!/usr/bin/env bash\nset -eo pipefail\n${script}`,
    encoding: "utf8",
  });
  if (result.error)
    throw new Error(
      `shellcheck could not run (npm run setup installs it): ${result.error.message}`,
    );
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`shellcheck failed with status ${result.status}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as ShellcheckFinding[];
}
