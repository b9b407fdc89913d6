import { describe, expect, it } from "vitest";
import { environments } from "../workflows/settings";
import { isStackConfigError } from "./config-errors";
import { parseStackConfig, type RawStackConfig } from "./config-parse";
import { definitionProblems } from "./edge-cache-sources";
import { planPipelines } from "./pipelines-plan";
import {
  committedStackText,
  providerRuleCases,
  rawStackConfigOf,
  stackTextFor,
} from "./provider-rules-cases";
import {
  cloudflareKvKeyProblem,
  gitBranchProblem,
  githubActionsNameProblem,
  repeatedIndexes,
  vercelVariableKeyProblem,
} from "./provider-rules";
import {
  browserVariablePrefixes,
  sensitiveVariableTargets,
  webAppVariables,
} from "./web-app-environment";

function problemsOf(raw: RawStackConfig): readonly string[] {
  try {
    parseStackConfig(raw, { allowMissingSecrets: true });
  } catch (error) {
    if (isStackConfigError(error)) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe("provider rules in the stack config schema", () => {
  it.each(providerRuleCases.map((ruleCase) => [ruleCase.rule, ruleCase] as const))(
    "enforces: %s",
    (_rule, ruleCase) => {
      expect(problemsOf(rawStackConfigOf(ruleCase.stack, stackTextFor(ruleCase)))).toEqual([
        ruleCase.expected,
      ]);
    },
  );

  it.each(["staging", "production"] as const)("accepts the committed Pulumi.%s.yaml", (stack) => {
    expect(problemsOf(rawStackConfigOf(stack, committedStackText(stack)))).toEqual([]);
  });

  it("accepts a production stack reviewed by a team alone", () => {
    const text = stackTextFor({
      rule: "team only",
      stack: "production",
      path: ["platform:github", "productionReviewers"],
      value: { users: [], teams: [42] },
      expected: "",
    });
    expect(problemsOf(rawStackConfigOf("production", text))).toEqual([]);
  });

  it("accepts 6 reviewers, users and teams together", () => {
    const text = stackTextFor({
      rule: "six reviewers",
      stack: "production",
      path: ["platform:github", "productionReviewers"],
      value: { users: [1, 2, 3], teams: [4, 5, 6] },
      expected: "",
    });
    expect(problemsOf(rawStackConfigOf("production", text))).toEqual([]);
  });

  it("accepts development next to preview (sensitive variables skip development)", () => {
    const text = stackTextFor({
      rule: "development and preview",
      stack: "staging",
      path: ["platform:vercel", "environmentTargets"],
      value: ["preview", "development"],
      expected: "",
    });
    expect(problemsOf(rawStackConfigOf("staging", text))).toEqual([]);
  });

  it("accepts a wildcard at the start of the route's hostname", () => {
    const text = stackTextFor({
      rule: "host wildcard",
      stack: "staging",
      path: ["platform:cloudflare", "routePattern"],
      value: "*.api.example.com/definitions/*",
      expected: "",
    });
    expect(problemsOf(rawStackConfigOf("staging", text))).toEqual([]);
  });
});

describe("sensitiveVariableTargets", () => {
  it("drops development, which Vercel does not allow sensitive variables", () => {
    expect(sensitiveVariableTargets(["preview", "development", "production"])).toEqual([
      "preview",
      "production",
    ]);
  });
});

describe("Cloudflare KV keys from templates/definitions", () => {
  it("accepts a key of 512 bytes", () => {
    expect(cloudflareKvKeyProblem("k".repeat(512))).toBeUndefined();
  });

  it("refuses a key over 512 bytes", () => {
    expect(cloudflareKvKeyProblem("k".repeat(513))).toBe(
      "must be at most 512 bytes as a KV key name, got 513 bytes",
    );
  });

  it("counts bytes, not characters", () => {
    expect(cloudflareKvKeyProblem("é".repeat(257))).toBe(
      "must be at most 512 bytes as a KV key name, got 514 bytes",
    );
  });

  it("names the definition file whose name is too long a key", () => {
    const key = "d".repeat(513);
    expect(definitionProblems({ [key]: "{}" })).toEqual([
      `templates/definitions/${key}.json: the file name becomes a KV key, which must be at most 512 bytes as a KV key name, got 513 bytes`,
    ]);
  });

  it("finds no problem in the committed definitions", async () => {
    const { readDefinitions } = await import("../functions/edge-cache/definitions");
    expect(definitionProblems(readDefinitions())).toEqual([]);
  });
});

describe("Vercel variable keys", () => {
  it.each(Object.keys(browserVariablePrefixes))("are valid for the %s framework", (framework) => {
    const keys = webAppVariables(framework, {
      redisRestUrl: "",
      redisRestToken: "",
      gatewayUrl: "",
      posthogKey: "",
      posthogHost: "",
    }).map((variable) => variable.key);
    expect(keys.filter((key) => vercelVariableKeyProblem(key) !== undefined)).toEqual([]);
  });

  it("refuses a name Vercel reserves", () => {
    expect(vercelVariableKeyProblem("TZ")).toBe(
      "must not be a name Vercel reserves for its function runtimes",
    );
  });

  it("refuses a key starting with a digit", () => {
    expect(vercelVariableKeyProblem("1_TOKEN")).toBe(
      "must be letters, digits and underscores, not starting with a digit",
    );
  });
});

describe("GitHub Actions secret and variable names", () => {
  it.each(environments)("are valid for the %s environment", (environment) => {
    const plan = planPipelines({
      environment,
      manageWorkflowFiles: false,
      workflowSettings: {
        branch: "main",
        webAppPath: "apps/web",
        mobileAppPath: "apps/mobile",
        nodeVersion: "20",
      },
      hasWebUrl: true,
    });
    const names = [...plan.secrets, ...plan.variables].map((value) => value.name);
    expect(names.filter((name) => githubActionsNameProblem(name) !== undefined)).toEqual([]);
  });

  it("refuses the GITHUB_ prefix in any case", () => {
    expect(githubActionsNameProblem("github_token")).toBe(
      "must not start with GITHUB_ (GitHub reserves the prefix)",
    );
  });

  it("refuses a name starting with a digit", () => {
    expect(githubActionsNameProblem("9LIVES")).toBe(
      "must be letters, digits and underscores, not starting with a digit",
    );
  });
});

describe("gitBranchProblem", () => {
  it.each(["main", "release/2024.1", "feature/x-y_z"])("accepts %s", (branch) => {
    expect(gitBranchProblem(branch)).toBeUndefined();
  });

  it.each(["-main", "feature/", "a b", "x.lock", "feature/.hidden", "a@{b", "a:b"])(
    "refuses %s",
    (branch) => {
      expect(gitBranchProblem(branch)).toBeDefined();
    },
  );
});

describe("repeatedIndexes", () => {
  it("names every entry that repeats an earlier one", () => {
    expect(repeatedIndexes(["a", "b", "a", "a"])).toEqual([2, 3]);
  });
});
