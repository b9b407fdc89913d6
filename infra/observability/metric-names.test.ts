// Every metric a rule or a panel queries must be one the gateway defines: renaming a metric in
// the gateway without updating infra/observability/ fails here.
import { describe, expect, it } from "vitest";
import { readPrometheusRules } from "./alert-rules";
import { dashboardPanels, readDashboardText } from "./dashboard";
import {
  futureMetrics,
  gatewayMetricDefinitions,
  queryableSeriesNames,
} from "./gateway-metric-definitions";
import { parsePromql } from "./promql";

const definitions = gatewayMetricDefinitions();
const rules = readPrometheusRules();
const recorded = new Set(
  rules.groups.flatMap((group) =>
    group.rules.flatMap((rule) => (rule.record ? [rule.record] : [])),
  ),
);
const known = new Set([
  ...queryableSeriesNames(definitions),
  ...recorded,
  ...Object.keys(futureMetrics),
]);

function unknownMetrics(expression: string): string[] {
  return parsePromql(expression).metricNames.filter((name) => !known.has(name));
}

describe("parsePromql", () => {
  it("lists the metric names of every selector", () => {
    expect(
      parsePromql('sum(rate(a_total{x="y"}[5m])) / sum by (le) (rate(b_bucket[5m])) > c:d')
        .metricNames,
    ).toEqual(["a_total", "b_bucket", "c:d"]);
  });

  it("reports a syntax error", () => {
    expect(parsePromql("rate(a_total[5m]").errors).not.toEqual([]);
  });
});

describe("gatewayMetricDefinitions", () => {
  it("reads the gateway's request counter and duration histogram", () => {
    expect([
      definitions.get("llm_gateway_requests_total"),
      definitions.get("llm_gateway_request_duration_seconds"),
    ]).toEqual(["Counter", "Histogram"]);
  });
});

describe("metric names", () => {
  it("flags a metric the gateway does not define", () => {
    expect(unknownMetrics("rate(llm_gateway_request_total[5m])")).toEqual([
      "llm_gateway_request_total",
    ]);
  });

  it("are the gateway's in every alert rule", () => {
    const unknown = rules.groups.flatMap((group) =>
      group.rules.flatMap((rule) => unknownMetrics(rule.expr)),
    );
    expect(unknown).toEqual([]);
  });

  it("are the gateway's in every dashboard panel", () => {
    const dashboard = JSON.parse(readDashboardText()) as Parameters<typeof dashboardPanels>[0];
    const unknown = dashboardPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        unknownMetrics(target.expr).map((name) => `${panel.title}: ${name}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it("leave out no metric the gateway defines from the dashboard", () => {
    const dashboard = JSON.parse(readDashboardText()) as Parameters<typeof dashboardPanels>[0];
    const queried = new Set(
      dashboardPanels(dashboard).flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) => parsePromql(target.expr).metricNames),
      ),
    );
    const missing = [...definitions].filter(
      ([name, kind]) => !queried.has(kind === "Histogram" ? `${name}_bucket` : name),
    );
    expect(missing.map(([name]) => name)).toEqual([]);
  });
});
