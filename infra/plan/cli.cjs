#!/usr/bin/env node
// `npm run plan`. The plan itself is TypeScript (infra/plan/main.ts), loaded through tsx; the
// program it plans is not: that runs in a child process exactly as the Pulumi language host
// starts it (see docs/architecture.md, "How the plan mirrors the engine").
"use strict";

const path = require("node:path");
require("tsx/cjs");

const { main } = require("./main.ts");
const rootDirectory = path.resolve(__dirname, "..", "..");
main(process.argv.slice(2), rootDirectory, { ...process.env }).then((exitCode) => {
  process.exitCode = exitCode;
});
