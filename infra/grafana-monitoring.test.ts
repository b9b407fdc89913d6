import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, promiseOf } from "../test/pulumi";
import {
  GrafanaMonitoring,
  grafanaMonitoringArgsFromConfig,
  type GrafanaMonitoringArgs,
} from "./grafana-monitoring";
import { alertingRules, readPrometheusRules } from "./observability/alert-rules";

const types = {
  provider: "pulumi:providers:grafana",
  folder: "grafana:oss/folder:Folder",
  dashboard: "grafana:oss/dashboard:Dashboard",
  ruleGroup: "grafana:alerting/ruleGroup:RuleGroup",
};

const recorder = installRecordingMocks({ stack: "production" });

const args: GrafanaMonitoringArgs = {
  url: "https://example.grafana.net",
  auth: pulumi.secret("glsa_service-account-token"),
  folderUid: "ai-platform-production",
  folderTitle: "AI platform (production)",
  dashboardUid: "llm-gateway-production",
  dashboardTitle: "LLM gateway (production)",
  prometheusDataSourceUid: "prometheus-production",
  dailyCapUsd: 50,
  alertLabels: { environment: "production" },
};

interface RecordedRule {
  name: string;
  labels: Record<string, string>;
  datas: Array<{ refId: string; model: string }>;
}

let monitoring: GrafanaMonitoring;
beforeAll(async () => {
  monitoring = new GrafanaMonitoring("monitoring", args);
  await recorder.settled();
});

function rules(): RecordedRule[] {
  return recorder.named(types.ruleGroup, "monitoring-rules-llm-gateway").inputs[
    "rules"
  ] as RecordedRule[];
}

function queryOf(rule: RecordedRule | undefined): string {
  const model = rule?.datas.find((stage) => stage.refId === "query")?.model ?? "{}";
  return (JSON.parse(model) as { expr?: string }).expr ?? "";
}

describe("GrafanaMonitoring provider", () => {
  it("points the provider at the configured Grafana", () => {
    expect(recorder.named(types.provider, "monitoring-provider").inputs["url"]).toBe(
      "https://example.grafana.net",
    );
  });

  it("passes the auth token as a secret", () => {
    expect(recorder.named(types.provider, "monitoring-provider").secretInputs).toContain("auth");
  });

  it("registers every Grafana resource through that provider", () => {
    const provider = recorder.named(types.provider, "monitoring-provider");
    const grafanaResources = recorder.resources.filter((resource) =>
      resource.type.startsWith("grafana:"),
    );
    expect(
      grafanaResources.every((resource) => resource.provider?.startsWith(`${provider.urn}::`)),
    ).toBe(true);
  });
});

describe("GrafanaMonitoring folder and dashboard", () => {
  it("creates the folder with the stack's uid and title", () => {
    expect(recorder.named(types.folder, "monitoring-folder").inputs).toEqual({
      uid: "ai-platform-production",
      title: "AI platform (production)",
    });
  });

  it("is the parent of its resources", async () => {
    expect(recorder.named(types.folder, "monitoring-folder").parent).toBe(
      await promiseOf(monitoring.urn),
    );
  });

  it("puts the dashboard in the folder, overwriting edits made in the UI", () => {
    const inputs = recorder.named(types.dashboard, "monitoring-dashboard").inputs;
    expect({ folder: inputs["folder"], overwrite: inputs["overwrite"] }).toEqual({
      folder: "ai-platform-production",
      overwrite: true,
    });
  });

  it("provisions the repository's dashboard under the stack's uid and title", () => {
    const dashboard = JSON.parse(
      recorder.named(types.dashboard, "monitoring-dashboard").inputs["configJson"] as string,
    ) as { uid: string; title: string; panels: unknown[] };
    expect({ uid: dashboard.uid, title: dashboard.title }).toEqual({
      uid: "llm-gateway-production",
      title: "LLM gateway (production)",
    });
  });
});

describe("GrafanaMonitoring alert rules", () => {
  it("creates one rule group, for the group that has alerts", () => {
    expect(recorder.ofType(types.ruleGroup).map((group) => group.inputs["name"])).toEqual([
      "llm-gateway",
    ]);
  });

  it("places the rule group in the folder", () => {
    expect(
      recorder.named(types.ruleGroup, "monitoring-rules-llm-gateway").inputs["folderUid"],
    ).toBe("ai-platform-production");
  });

  it("provisions every alert of the rules file", () => {
    expect(rules().map((rule) => rule.name)).toEqual(
      alertingRules(readPrometheusRules()).map((rule) => rule.alert),
    );
  });

  it("divides the budget alert by the stack's daily cap", () => {
    const budget = rules().find((rule) => rule.name === "LlmGatewayBudgetOver80Percent");
    expect(queryOf(budget)).toBe("max(llm_gateway_budget_spent_usd) / (vector(50)) > 0.8");
  });

  it("labels every rule with the environment", () => {
    expect(rules().every((rule) => rule.labels["environment"] === "production")).toBe(true);
  });

  it("queries the configured Prometheus data source", () => {
    const dataSources = rules().map(
      (rule) => rule.datas.find((stage) => stage.refId === "query") as { datasourceUid?: string },
    );
    expect(new Set(dataSources.map((stage) => stage.datasourceUid))).toEqual(
      new Set(["prometheus-production"]),
    );
  });
});

describe("grafanaMonitoringArgsFromConfig", () => {
  const base = {
    environment: "staging" as const,
    budget: { dailyUsd: 5, alertFraction: 0.8 },
    secrets: { grafanaAuth: pulumi.secret("token") },
  };
  const grafana = { url: "https://example.grafana.net", prometheusDataSourceUid: "prometheus" };

  it("registers nothing without platform:observability.grafana", () => {
    expect(grafanaMonitoringArgsFromConfig({ ...base, observability: {} })).toBeUndefined();
  });

  it("gives the folder and dashboard per-environment uids by default", () => {
    const derived = grafanaMonitoringArgsFromConfig({ ...base, observability: { grafana } });
    expect([derived?.folderUid, derived?.dashboardUid]).toEqual([
      "ai-platform-staging",
      "llm-gateway-staging",
    ]);
  });

  it("takes the folder uid from the stack config when set", () => {
    const derived = grafanaMonitoringArgsFromConfig({
      ...base,
      observability: { grafana: { ...grafana, folderUid: "shared-folder" } },
    });
    expect(derived?.folderUid).toBe("shared-folder");
  });

  it("passes the stack's daily cap to the budget alert", () => {
    expect(
      grafanaMonitoringArgsFromConfig({ ...base, observability: { grafana } })?.dailyCapUsd,
    ).toBe(5);
  });
});
