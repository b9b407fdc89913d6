// infra/tsconfig.json lets the engine transpile the program without type-checking it (fast
// `pulumi up`); these tests hold the other half of that trade: infra/ is still type-checked
// before anything deploys.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const repositoryRoot = join(__dirname, "..");

function parsedConfig(path: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) {
    throw new Error(`could not read ${path}`);
  }
  return parsed;
}

describe("infra/tsconfig.json, the file the language host loads", () => {
  it("skips type-checking, so ts-node runs with transpileOnly", () => {
    expect(parsedConfig(join(repositoryRoot, "infra", "tsconfig.json")).options.noCheck).toBe(true);
  });
});

describe("the root tsconfig.json, the one `npm run typecheck` uses", () => {
  const root = parsedConfig(join(repositoryRoot, "tsconfig.json"));

  it("type-checks the program's entry point", () => {
    expect(root.fileNames).toContain(join(repositoryRoot, "infra", "index.ts"));
  });

  it("does not skip type-checking", () => {
    expect(root.options.noCheck).not.toBe(true);
  });
});

describe("the CI workflow that gates every deploy", () => {
  it("runs the type check", () => {
    const workflow = parse(
      readFileSync(join(repositoryRoot, ".github", "workflows", "ci.yml"), "utf8"),
    ) as { jobs: Record<string, { steps?: { run?: string }[] }> };
    const commands = Object.values(workflow.jobs).flatMap((job) =>
      (job.steps ?? []).map((step) => step.run?.trim()),
    );
    expect(commands).toContain("npm run typecheck");
  });
});
