// `npm run openapi` writes docs/openapi.yaml from the gateway's request schemas;
// `npm run openapi -- --check` exits 1 when the committed file differs from a fresh render.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderOpenApi } from "./render-openapi";

const repositoryRoot = join(__dirname, "..", "..");
const target = join(repositoryRoot, "docs", "openapi.yaml");
const rendered = renderOpenApi(repositoryRoot);

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    committed = "";
  }
  if (committed !== rendered) {
    process.stderr.write("docs/openapi.yaml is stale: run npm run openapi\n");
    process.exitCode = 1;
  } else {
    process.stdout.write("docs/openapi.yaml is up to date.\n");
  }
} else {
  writeFileSync(target, rendered);
  process.stdout.write("wrote docs/openapi.yaml\n");
}
