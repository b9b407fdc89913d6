#!/usr/bin/env node
// `npm install` runs this as the `prepare` script: it installs the pre-commit hook (simple-git-hooks,
// config in package.json) in a developer's clone, and is a silent no-op everywhere else. It never
// fails an install: in CI, outside a git work tree (a tarball, a Docker build), when git refuses
// the checkout (another user's clone, as root in CI), or without devDependencies
// (`npm ci --omit=dev`), it does nothing. Run it again at any time with `npm run prepare`.
"use strict";

const { execFileSync } = require("node:child_process");
const path = require("node:path");

const packageRoot = path.resolve(__dirname, "..");

/** Why the hook is not installed here, or undefined when it should be. */
function reasonToSkip(environment) {
  if (environment.CI !== undefined && environment.CI !== "" && environment.CI !== "false") {
    return "CI is set";
  }
  if (["1", "true"].includes(environment.SKIP_INSTALL_SIMPLE_GIT_HOOKS ?? "")) {
    return "SKIP_INSTALL_SIMPLE_GIT_HOOKS is set";
  }
  let topLevel;
  try {
    topLevel = execFileSync("git", ["rev-parse", "--show-toplevel"], {
      cwd: packageRoot,
      stdio: ["ignore", "pipe", "ignore"],
      encoding: "utf8",
    }).trim();
  } catch {
    return "not a git work tree (or git is not installed)";
  }
  // The hook belongs to the repository this package is the root of, not to a parent repository
  // that happens to contain it.
  if (path.resolve(topLevel) !== packageRoot) {
    return `the git work tree is ${topLevel}, not this package`;
  }
  try {
    require.resolve("simple-git-hooks/cli.js", { paths: [packageRoot] });
  } catch {
    return "simple-git-hooks is not installed (devDependencies omitted)";
  }
  return undefined;
}

function main() {
  const reason = reasonToSkip(process.env);
  if (reason !== undefined) {
    if (process.env.npm_config_loglevel === "verbose") {
      console.log(`git hooks not installed: ${reason}`);
    }
    return;
  }
  try {
    execFileSync(
      process.execPath,
      [require.resolve("simple-git-hooks/cli.js", { paths: [packageRoot] })],
      { cwd: packageRoot, stdio: "inherit" },
    );
  } catch (error) {
    console.warn(`git hooks not installed: ${error instanceof Error ? error.message : error}`);
  }
}

main();
