import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { programLocation, readProjectFile } from "./project-file";

const repositoryRoot = join(__dirname, "..", "..");

describe("programLocation (the engine's getPwdMain)", () => {
  it("makes a folder main the working directory, with entry point .", () => {
    expect(programLocation(repositoryRoot, "infra/")).toEqual({
      programDirectory: join(repositoryRoot, "infra"),
      entryPoint: ".",
    });
  });

  it("makes a file main's folder the working directory", () => {
    expect(programLocation(repositoryRoot, "infra/index.ts")).toEqual({
      programDirectory: join(repositoryRoot, "infra"),
      entryPoint: "index.ts",
    });
  });

  it("runs from the project folder without main", () => {
    expect(programLocation(repositoryRoot, undefined)).toEqual({
      programDirectory: repositoryRoot,
      entryPoint: ".",
    });
  });

  it("names a main that does not exist", () => {
    expect(() => programLocation(repositoryRoot, "nowhere/")).toThrow(
      "Pulumi.yaml: project 'main' could not be read",
    );
  });
});

describe("readProjectFile", () => {
  it("reads this repository's project", () => {
    expect(readProjectFile(repositoryRoot)).toEqual({
      name: "ai-platform",
      rootDirectory: repositoryRoot,
      programDirectory: join(repositoryRoot, "infra"),
      entryPoint: ".",
      runtimeOptions: { typescript: true, tsconfig: undefined, nodeargs: "" },
    });
  });
});
