import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultParallel, programLaunch, splitNodeArguments } from "./language-host";
import type { ProjectFile } from "./project-file";

const repositoryRoot = join(__dirname, "..", "..");
const project: ProjectFile = {
  name: "ai-platform",
  rootDirectory: repositoryRoot,
  programDirectory: join(repositoryRoot, "infra"),
  entryPoint: ".",
  runtimeOptions: { typescript: true, tsconfig: undefined, nodeargs: "" },
};
const run = {
  project,
  stack: "staging",
  config: { values: { "platform:environment": "staging" }, secretKeys: ["github:token"] },
  engineAddress: "127.0.0.1:5000",
};
const environment = { PATH: "/usr/bin", PULUMI_PARALLEL: "3" };

describe("programLaunch", () => {
  it("starts the program in the program directory", () => {
    expect(programLaunch(run, environment).cwd).toBe(join(repositoryRoot, "infra"));
  });

  it("passes the run module, the engine's flags and the entry point, as constructArguments does", () => {
    expect(programLaunch(run, environment).args).toEqual([
      join(repositoryRoot, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"),
      "--monitor",
      "127.0.0.1:5000",
      "--engine",
      "127.0.0.1:5000",
      "--project",
      "ai-platform",
      "--root-directory",
      repositoryRoot,
      "--stack",
      "staging",
      "--pwd",
      join(repositoryRoot, "infra"),
      "--dry-run",
      "--parallel",
      "3",
      ".",
    ]);
  });

  it("puts nodeargs before the run module", () => {
    const launch = programLaunch(
      {
        ...run,
        project: {
          ...project,
          runtimeOptions: { ...project.runtimeOptions, nodeargs: "--a 'b c'" },
        },
      },
      environment,
    );
    expect(launch.args.slice(0, 3)).toEqual([
      "--a",
      "b c",
      expect.stringMatching(/cmd\/run\/index\.js$/),
    ]);
  });

  it("omits --dry-run for an update", () => {
    expect(programLaunch({ ...run, dryRun: false }, environment).args).not.toContain("--dry-run");
  });

  it("sets the config and secret keys as the language host writes them", () => {
    const { env } = programLaunch(run, environment);
    expect([env["PULUMI_CONFIG"], env["PULUMI_CONFIG_SECRET_KEYS"]]).toEqual([
      '{"platform:config:environment":"staging"}',
      '["github:token"]',
    ]);
  });

  it("turns TypeScript on for typescript: true", () => {
    expect(programLaunch(run, environment).env["PULUMI_NODEJS_TYPESCRIPT"]).toBe("true");
  });

  it("passes the tsconfig option as PULUMI_NODEJS_TSCONFIG_PATH", () => {
    const launch = programLaunch(
      {
        ...run,
        project: { ...project, runtimeOptions: { ...project.runtimeOptions, tsconfig: "x.json" } },
      },
      environment,
    );
    expect(launch.env["PULUMI_NODEJS_TSCONFIG_PATH"]).toBe("x.json");
  });

  it("keeps the caller's environment", () => {
    expect(programLaunch(run, environment).env["PATH"]).toBe("/usr/bin");
  });
});

describe("defaultParallel", () => {
  it("honours PULUMI_PARALLEL", () => {
    expect(defaultParallel({ PULUMI_PARALLEL: "7" })).toBe(7);
  });

  it("is four per processor otherwise", () => {
    expect(defaultParallel({}) % 4).toBe(0);
  });
});

describe("splitNodeArguments", () => {
  it("splits like a shell", () => {
    expect(splitNodeArguments(`--x=1 "--y 2"`)).toEqual(["--x=1", "--y 2"]);
  });

  it("refuses shell operators", () => {
    expect(() => splitNodeArguments("--x | rm")).toThrow(
      /runtime\.options\.nodeargs cannot be split/,
    );
  });
});
