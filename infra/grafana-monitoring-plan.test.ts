/**
 * Grafana provisioning in the offline plan (`npm run plan`), the whole program loaded the way
 * Pulumi loads it: the staging stack with a Grafana URL (a temporary copy of Pulumi.staging.yaml
 * passed with --config-file) shows the folder, dashboard and rule group with the auth only as
 * [secret]; the committed stack file, which sets none, shows no Grafana resource; and
 * `plan --all` refuses two stacks provisioning one folder uid into one Grafana.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  cachedPlanCommand,
  planTestSecrets,
  repositoryRoot,
  runPlanCommand,
  type PlanCommandRun,
} from "../test/support/plan-command";
import { timeouts } from "../test/support/timeouts";
import type { PlanJson, PlanJsonResource } from "./plan/render";
import { secretKeys } from "./secret-keys";

const grafana = {
  url: "https://example.grafana.net",
  prometheusDataSourceUid: "prometheus-staging",
};
const grafanaToken = "glsa_plaintext-grafana-token-5d1e";
const temporaryDirectory = mkdtempSync(join(tmpdir(), "grafana-plan-"));

/** A committed stack file's text with `platform:observability` set to `observability`. */
function stackTextWith(stack: "staging" | "production", observability: unknown): string {
  const document = parseDocument(
    readFileSync(join(repositoryRoot, `Pulumi.${stack}.yaml`), "utf8"),
  );
  document.setIn(["config", "platform:observability"], observability);
  return document.toString();
}

/** A project folder whose two stacks provision the same folder uid into one Grafana. */
function collidingProject(): string {
  const project = join(temporaryDirectory, "project");
  mkdirSync(project);
  cpSync(join(repositoryRoot, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
  for (const entry of [
    "infra",
    "functions",
    "templates",
    "workflows",
    "node_modules",
    "package.json",
    "tsconfig.json",
  ]) {
    symlinkSync(join(repositoryRoot, entry), join(project, entry));
  }
  const shared = { grafana: { ...grafana, folderUid: "shared-folder" } };
  for (const stack of ["staging", "production"] as const) {
    writeFileSync(join(project, `Pulumi.${stack}.yaml`), stackTextWith(stack, shared));
  }
  return project;
}

const secretsEnvironment = {
  PLATFORM_PLAN_SECRETS: JSON.stringify(planTestSecrets(secretKeys.map(({ key }) => key))),
};

let withGrafana: PlanCommandRun;
let committed: PlanCommandRun;
let colliding: PlanCommandRun;

beforeAll(async () => {
  const stackFile = join(temporaryDirectory, "staging-with-grafana.yaml");
  writeFileSync(stackFile, stackTextWith("staging", { grafana }));
  const project = collidingProject();
  [withGrafana, committed, colliding] = await Promise.all([
    runPlanCommand(["--stack", "staging", "--config-file", stackFile, "--json"], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      PLATFORM_PLAN_SECRETS: JSON.stringify({ "platform:grafanaAuth": grafanaToken }),
    }),
    // The same run as the other plan tests of the committed stack: shared, run once per suite.
    cachedPlanCommand(["--stack", "staging", "--json"], secretsEnvironment),
    runPlanCommand(["--all", "--cwd", project], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
  ]);
}, timeouts.planHook);

afterAll(() => rmSync(temporaryDirectory, { recursive: true, force: true }));

function grafanaResources(run: PlanCommandRun): PlanJsonResource[] {
  const plan = JSON.parse(run.stdout) as PlanJson;
  return plan.resources.filter(
    (resource) => resource.type.startsWith("grafana:") || resource.type.endsWith(":grafana"),
  );
}

describe("the staging plan with a Grafana URL", () => {
  it("lists the provider, folder, dashboard and rule group", () => {
    expect(grafanaResources(withGrafana).map((resource) => resource.type)).toEqual([
      "pulumi:providers:grafana",
      "grafana:oss/folder:Folder",
      "grafana:oss/dashboard:Dashboard",
      "grafana:alerting/ruleGroup:RuleGroup",
    ]);
  });

  it("shows the provider's auth only as [secret]", () => {
    const provider = grafanaResources(withGrafana).find(
      (resource) => resource.type === "pulumi:providers:grafana",
    );
    expect({ auth: provider?.inputs["auth"], url: provider?.inputs["url"] }).toEqual({
      auth: "[secret]",
      url: "https://example.grafana.net",
    });
  });

  it("never prints the token", () => {
    expect(`${withGrafana.stdout}${withGrafana.stderr}`).not.toContain(grafanaToken);
  });
});

describe("the committed staging plan, which sets no Grafana URL", () => {
  it("registers no Grafana resource", () => {
    expect(grafanaResources(committed)).toEqual([]);
  });
});

describe("plan --all with two stacks provisioning one folder uid into one Grafana", () => {
  it("exits 1", () => {
    expect(colliding.exitCode).toBe(1);
  });

  it("names the folder both stacks would own", () => {
    expect(colliding.stderr).toContain(
      "Grafana folder shared-folder at https://example.grafana.net: stacks production, staging",
    );
  });
});
