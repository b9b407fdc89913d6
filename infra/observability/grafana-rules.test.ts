import { describe, expect, it } from "vitest";
import {
  budgetDailyCapRecord,
  readPrometheusRules,
  type PrometheusRule,
  type PrometheusRuleGroup,
  type PrometheusRules,
} from "./alert-rules";
import {
  grafanaAnnotation,
  grafanaRuleGroups,
  inlineRecordedExpressions,
  prometheusDurationSeconds,
  type GrafanaAlertRule,
} from "./grafana-rules";

const options = { prometheusDataSourceUid: "prometheus" };

function oneRule(rule: PrometheusRule, group: Partial<PrometheusRuleGroup> = {}) {
  const rules: PrometheusRules = { groups: [{ name: "test", ...group, rules: [rule] }] };
  return grafanaRuleGroups(rules, options);
}

function firstRule(rule: PrometheusRule): GrafanaAlertRule | undefined {
  return oneRule(rule)[0]?.rules[0];
}

function stageModel(rule: GrafanaAlertRule | undefined, refId: string): Record<string, unknown> {
  const stage = rule?.datas.find((candidate) => candidate.refId === refId);
  return JSON.parse(stage?.model ?? "{}") as Record<string, unknown>;
}

describe("grafanaRuleGroups", () => {
  it("runs the rule's expression as an instant query on the Prometheus data source", () => {
    const rule = firstRule({ alert: "A", expr: "up == 0" });
    expect(stageModel(rule, "query")).toEqual({
      datasource: { type: "prometheus", uid: "prometheus" },
      expr: "up == 0",
      instant: true,
      range: false,
      refId: "query",
    });
  });

  it("fires on any returned series, as Prometheus does", () => {
    const rule = firstRule({ alert: "A", expr: "up == 0" });
    expect([rule?.condition, stageModel(rule, "prometheus_math")["expression"]]).toEqual([
      "threshold",
      "is_number($query) || is_nan($query) || is_inf($query)",
    ]);
  });

  it("compares the math stage above zero in the condition", () => {
    const model = stageModel(firstRule({ alert: "A", expr: "up == 0" }), "threshold");
    expect([model["expression"], model["conditions"]]).toEqual([
      "prometheus_math",
      [{ evaluator: { params: [0], type: "gt" } }],
    ]);
  });

  it("treats no data as OK and a failed query as an error", () => {
    const rule = firstRule({ alert: "A", expr: "up == 0" });
    expect([rule?.noDataState, rule?.execErrState]).toEqual(["OK", "Error"]);
  });

  it("keeps the pending period", () => {
    expect(firstRule({ alert: "A", expr: "up", for: "10m" })?.for).toBe("10m");
  });

  it("turns a period in days into seconds, which the provider parses", () => {
    expect(firstRule({ alert: "A", expr: "up", for: "1d" })?.for).toBe("86400s");
  });

  it("merges group, rule and extra labels, the extra ones last", () => {
    const rules = {
      groups: [
        {
          name: "test",
          labels: { team: "platform", environment: "group" },
          rules: [{ alert: "A", expr: "up", labels: { severity: "page" } }],
        },
      ],
    } as PrometheusRules;
    const [group] = grafanaRuleGroups(rules, { ...options, labels: { environment: "staging" } });
    expect(group?.rules[0]?.labels).toEqual({
      team: "platform",
      environment: "staging",
      severity: "page",
    });
  });

  it("evaluates a group without an interval every 60 s", () => {
    expect(oneRule({ alert: "A", expr: "up" })[0]?.intervalSeconds).toBe(60);
  });

  it("refuses a group interval Grafana's 10 s base interval cannot run", () => {
    expect(() => oneRule({ alert: "A", expr: "up" }, { interval: "15s" })).toThrow(
      "group test: interval 15s is not a multiple of Grafana's 10s base interval",
    );
  });

  it("leaves out a group of recording rules only", () => {
    expect(oneRule({ record: "a:b", expr: "vector(1)" })).toEqual([]);
  });

  it("inlines a recording rule where an alert uses it", () => {
    const rules = {
      groups: [
        { name: "records", rules: [{ record: "a:cap", expr: "vector(5)" }] },
        { name: "alerts", rules: [{ alert: "A", expr: "x / a:cap > 0.8" }] },
      ],
    } as PrometheusRules;
    const [group] = grafanaRuleGroups(rules, options);
    expect(stageModel(group?.rules[0], "query")["expr"]).toBe("x / (vector(5)) > 0.8");
  });

  it("inlines the stack's value of a recording rule over the file's", () => {
    const rules = readPrometheusRules();
    const [group] = grafanaRuleGroups(rules, {
      ...options,
      recordedExpressions: { [budgetDailyCapRecord]: "vector(50)" },
    });
    const budget = group?.rules.find((rule) => rule.name === "LlmGatewayBudgetOver80Percent");
    expect(stageModel(budget, "query")["expr"]).toBe(
      "max(llm_gateway_budget_spent_usd) / (vector(50)) > 0.8",
    );
  });
});

describe("the repository's rules file", () => {
  it("records the budget cap under the name the provisioning replaces", () => {
    const records = readPrometheusRules().groups.flatMap((group) =>
      group.rules.map((rule) => rule.record),
    );
    expect(records).toContain(budgetDailyCapRecord);
  });

  it("converts without an error", () => {
    expect(() => grafanaRuleGroups(readPrometheusRules(), options)).not.toThrow();
  });
});

describe("inlineRecordedExpressions", () => {
  it("leaves a longer name that starts with the recorded one alone", () => {
    expect(inlineRecordedExpressions("a:cap_total", { "a:cap": "vector(1)" })).toBe("a:cap_total");
  });

  it("refuses a reference with label matchers", () => {
    expect(() => inlineRecordedExpressions('a:cap{job="x"}', { "a:cap": "vector(1)" })).toThrow(
      "cannot inline the recording rule a:cap",
    );
  });

  it("refuses a reference with a range", () => {
    expect(() => inlineRecordedExpressions("rate(a:cap[5m])", { "a:cap": "vector(1)" })).toThrow(
      "cannot inline the recording rule a:cap",
    );
  });
});

describe("grafanaAnnotation", () => {
  it("reads $value from the query stage", () => {
    expect(grafanaAnnotation("{{ $value | humanizePercentage }} failed")).toBe(
      "{{ $values.query.Value | humanizePercentage }} failed",
    );
  });

  it("keeps $labels as they are", () => {
    expect(grafanaAnnotation("breaker of {{ $labels.provider }}")).toBe(
      "breaker of {{ $labels.provider }}",
    );
  });

  it("leaves text outside template actions alone", () => {
    expect(grafanaAnnotation("costs $value")).toBe("costs $value");
  });
});

describe("prometheusDurationSeconds", () => {
  it("adds up every unit", () => {
    expect(prometheusDurationSeconds("1h30m15s")).toBe(5415);
  });

  it("rejects a duration Prometheus cannot parse", () => {
    expect(() => prometheusDurationSeconds("5 minutes")).toThrow(
      'not a Prometheus duration: "5 minutes"',
    );
  });
});
