import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  environmentSecretNames,
  environmentVariableNames,
  handSetSecretNames,
  handSetVariableNames,
  monitoringSecretNames,
} from "./github-names";
import { renderWorkflowFiles } from "./rendered-files";

const documentation = readFileSync(join(__dirname, "..", "docs", "workflows.md"), "utf8");

describe("docs/workflows.md", () => {
  it.each(renderWorkflowFiles().map((file) => file.path.split("/").pop() ?? ""))(
    "describes %s",
    (fileName) => {
      expect(documentation).toContain(`\`${fileName}\``);
    },
  );

  it.each([
    ...Object.values(environmentSecretNames),
    ...Object.values(environmentVariableNames),
    ...Object.values(handSetSecretNames),
    ...Object.values(handSetVariableNames),
    ...Object.values(monitoringSecretNames),
  ])("documents %s", (name) => {
    expect(documentation).toContain(`\`${name}\``);
  });

  it.each(["WEB_URL", "GATEWAY_URL", "UPTIME_RETRIES", "UPTIME_TIMEOUT_SECONDS"])(
    "documents the repository-level <ENV>_%s",
    (suffix) => {
      expect(documentation).toContain(`\`<ENV>_${suffix}\``);
    },
  );
});
