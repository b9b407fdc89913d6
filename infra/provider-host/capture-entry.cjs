// Child-process entry of the provider capture: `node capture-entry.cjs <request.json> <result.json>`,
// run in the program directory. Registers ts-node the way Pulumi's Node.js language host does for a
// TypeScript CommonJS program (node_modules/@pulumi/pulumi/cmd/run/run.js: `tsconfig.json` looked
// up in the working directory or PULUMI_NODEJS_TSCONFIG_PATH, read with the SDK's own
// `loadTypeScriptCompilerOptions`, layered over the SDK's defaults), so the closure serializer sees
// the same compiled modules, and writes the same `__provider`, as under `pulumi up`. Only type
// checking is skipped: that is the plan's business. Plain CommonJS because it runs before ts-node.
"use strict";

const fs = require("node:fs");

function registerTypeScript() {
  const tsutils = require("@pulumi/pulumi/tsutils");
  const semver = require(require.resolve("semver", { paths: [require.resolve("@pulumi/pulumi")] }));
  const tsConfigPath = process.env["PULUMI_NODEJS_TSCONFIG_PATH"] ?? "tsconfig.json";
  const skipProject = !fs.existsSync(tsConfigPath);
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const typescript = require(typescriptRequire);
  const version = semver.parse(typescript.version);
  const useNodeNext = version && version.compare(new semver.SemVer("4.7.0")) >= 0;
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: true,
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
  const [requestFile, resultFile] = process.argv.slice(2);
  if (!requestFile || !resultFile) {
    console.error("usage: capture-entry.cjs <request.json> <result.json>");
    process.exit(2);
  }
  registerTypeScript();
  const { main: capture } = require("./capture-program.ts");
  capture(requestFile, resultFile).then(
    // The SDK's mock runtime may hold handles open; the result is written, so leave now.
    () => process.exit(0),
    (error) => {
      console.error(error && error.stack ? error.stack : String(error));
      process.exit(1);
    },
  );
}

main();
