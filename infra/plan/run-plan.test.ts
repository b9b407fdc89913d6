import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../config-errors";
import { errorMessage, programPath } from "./run-plan";

const repositoryRoot = join(__dirname, "..", "..");

describe("programPath", () => {
  it("resolves Pulumi.yaml's main folder with a trailing slash, as the language host does", () => {
    expect(programPath(repositoryRoot, "infra")).toBe(join(repositoryRoot, "infra") + "/");
  });

  it("falls back to package.json's main", () => {
    expect(programPath(repositoryRoot, undefined)).toBe(join(repositoryRoot, "infra/index.ts"));
  });
});

describe("errorMessage", () => {
  it("prints a RunError's message alone", () => {
    expect(errorMessage(new pulumi.RunError("Pulumi.staging.yaml: bad"))).toBe(
      "Pulumi.staging.yaml: bad",
    );
  });

  it("prints a config error's message alone", () => {
    expect(errorMessage(new StackConfigError(["a", "b"]))).toBe("a\nb");
  });

  it("keeps the stack trace of an unexpected error", () => {
    expect(errorMessage(new Error("boom"))).toMatch(/^Error: boom\n\s+at /);
  });
});
