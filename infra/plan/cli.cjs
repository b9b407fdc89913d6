#!/usr/bin/env node
// The offline plan: `npm run plan -- --stack NAME [--json]`.
//
// Loads infra/ exactly the way Pulumi's Node.js language host does for a TypeScript project
// (@pulumi/pulumi/cmd/run/run.js, the `typeScript` branch for a CommonJS package): ts-node
// `register` with the repository's tsconfig.json layered over the SDK's defaults, type-checked
// unless PULUMI_NODEJS_TRANSPILE_ONLY or `noCheck` says otherwise, then `require(program)` of the
// Pulumi.yaml `main` (or package.json `main`) inside the root Stack resource. Only the engine is
// different: the SDK's mock runtime stands in for it. This file is plain CommonJS because it
// must run before ts-node is registered; everything after registration is TypeScript.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const repositoryRoot = path.resolve(__dirname, "..", "..");
// The language host runs the program with the project folder as working directory.
process.chdir(repositoryRoot);

const { prepareEngine } = require("./prepare-engine.cjs");

function registerTypeScript() {
  // Helpers the language host itself uses (exported, marked internal). They read the SDK's
  // settings, so they run only after prepareEngine has set the engine's environment.
  const tsutils = require("@pulumi/pulumi/tsutils");
  const semver = require(require.resolve("semver", { paths: [require.resolve("@pulumi/pulumi")] }));
  const defaultTsConfigPath = "tsconfig.json";
  const tsConfigPath = process.env["PULUMI_NODEJS_TSCONFIG_PATH"] ?? defaultTsConfigPath;
  const skipProject = !fs.existsSync(tsConfigPath);
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  let transpileOnly = undefined;
  const transpileOnlyEnvironment = process.env["PULUMI_NODEJS_TRANSPILE_ONLY"];
  if (transpileOnlyEnvironment) {
    transpileOnly = transpileOnlyEnvironment === "true";
  } else {
    transpileOnly = compilerOptions.noCheck;
  }
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const typescript = require(typescriptRequire);
  const typescriptVersion = semver.parse(typescript.version);
  const useNodeNext =
    typescriptVersion && typescriptVersion.compare(new semver.SemVer("4.7.0")) >= 0;
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject,
    compilerOptions: {
      target: "ES2020",
      module: useNodeNext ? "nodenext" : "commonjs",
      moduleResolution: useNodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...compilerOptions,
    },
  });
}

function main() {
  try {
    // Order as with the Pulumi CLI: the engine's environment exists before the program process
    // starts, then the language host registers ts-node, then it loads the program.
    const prepared = prepareEngine(process.argv.slice(2), repositoryRoot, process.env);
    if ("help" in prepared) {
      process.stdout.write(prepared.help);
      return;
    }
    registerTypeScript();
    // As the language host does: the program sees no arguments of its own.
    process.argv = [process.argv[0], process.argv[1]];
    const { runPlan } = require("./run-plan.ts");
    runPlan(prepared, repositoryRoot).then(
      (exitCode) => {
        process.exitCode = exitCode;
      },
      (error) => {
        process.stderr.write(`plan: ${error && error.stack ? error.stack : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  } catch (error) {
    // Usage errors and ts-node's TSError (type errors) already say what and where.
    const forTheUser = error && (error.name === "PlanUsageError" || error.name === "TSError");
    const message = forTheUser ? error.message : error && error.stack;
    process.stderr.write(`plan: ${message || String(error)}\n`);
    process.exitCode = 1;
  }
}

main();
