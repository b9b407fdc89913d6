import { describe, expect, it } from "vitest";
import {
  dashboardPanels,
  provisionedDashboardJson,
  readDashboardText,
  type DashboardPanel,
} from "./dashboard";
import { checkDashboardSchema } from "./grafana-schema-check";
import { parsePromql } from "./promql";

const text = readDashboardText();
const dashboard = JSON.parse(text) as { uid: string; panels: DashboardPanel[] } & Record<
  string,
  unknown
>;

describe("checkDashboardSchema (Grafana's dashboard schema from @grafana/schema)", () => {
  it("accepts the repository's dashboard", () => {
    expect(checkDashboardSchema(text)).toEqual([]);
  });

  it("rejects a dashboard without schemaVersion", () => {
    const { schemaVersion: _schemaVersion, ...rest } = dashboard;
    expect(checkDashboardSchema(JSON.stringify(rest))).toEqual([
      expect.stringContaining("'schemaVersion' is missing"),
    ]);
  });

  it("rejects a key the schema does not have", () => {
    expect(checkDashboardSchema(JSON.stringify({ ...dashboard, refreshInterval: "30s" }))).toEqual([
      expect.stringContaining("'\"refreshInterval\"' does not exist"),
    ]);
  });

  it("rejects a panel whose grid position is not a position", () => {
    const panels = dashboard.panels.map((panel, index) =>
      index === 0 ? { ...panel, gridPos: "top" } : panel,
    );
    expect(checkDashboardSchema(JSON.stringify({ ...dashboard, panels }))).toEqual([
      expect.stringContaining("not assignable"),
    ]);
  });
});

describe("the repository's dashboard", () => {
  const panels = dashboardPanels(dashboard);

  it("has a stable uid, so provisioning updates it in place", () => {
    expect(dashboard.uid).toBe("llm-gateway");
  });

  it("gives every panel a unique id", () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has only queries PromQL parses", () => {
    const errors = panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        parsePromql(target.expr).errors.map((error) => `${panel.title}: ${error}`),
      ),
    );
    expect(errors).toEqual([]);
  });
});

describe("provisionedDashboardJson", () => {
  const provisioned = provisionedDashboardJson(text, {
    uid: "llm-gateway-staging",
    title: "LLM gateway (staging)",
    prometheusDataSourceUid: "prometheus-staging",
  });
  const parsed = JSON.parse(provisioned) as Record<string, unknown> & {
    templating: { list: Array<Record<string, unknown>> };
  };

  it("still passes Grafana's dashboard schema", () => {
    expect(checkDashboardSchema(provisioned)).toEqual([]);
  });

  it("takes the stack's uid and title", () => {
    expect([parsed["uid"], parsed["title"]]).toEqual([
      "llm-gateway-staging",
      "LLM gateway (staging)",
    ]);
  });

  it("opens on the stack's Prometheus data source", () => {
    const variable = parsed.templating.list.find((entry) => entry["name"] === "datasource");
    expect(variable?.["current"]).toEqual({
      selected: true,
      text: "prometheus-staging",
      value: "prometheus-staging",
    });
  });

  it("leaves the version to Grafana", () => {
    expect(parsed).not.toHaveProperty("version");
  });
});
