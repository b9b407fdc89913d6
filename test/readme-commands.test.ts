import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repositoryRoot = join(__dirname, "..");
const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
const ciScript = readFileSync(join(repositoryRoot, ".ci", "run"), "utf8");

function quickstartCommands(): string[] {
  const section = readme.split(/^## Quickstart$/m)[1]?.split(/^## /m)[0] ?? "";
  return [...section.matchAll(/```sh\n([^\n]+)\n```/g)].map((match) => match[1] ?? "");
}

describe("README Quickstart", () => {
  it("gives exactly two command lines", () => {
    expect(quickstartCommands()).toHaveLength(2);
  });

  it("makes npm start the main job line", () => {
    expect(quickstartCommands()[0]).toMatch(/&& npm start$/);
  });

  it("is the command .ci/run runs, verbatim", () => {
    const testCommand = quickstartCommands()[1];
    const ciLines = ciScript.split("\n").map((line) => line.trim());
    expect(ciLines).toContain(testCommand);
  });
});
