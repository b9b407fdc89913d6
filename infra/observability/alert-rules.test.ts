import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  alertingRules,
  prometheusRulesPath,
  readPrometheusRules,
  validatePrometheusRules,
} from "./alert-rules";

const committed: unknown = parse(readFileSync(prometheusRulesPath, "utf8"));

function withRule(rule: Record<string, unknown>): unknown {
  return { groups: [{ name: "test", rules: [rule] }] };
}

describe("validatePrometheusRules", () => {
  it("accepts the repository's rules file", () => {
    expect(validatePrometheusRules(committed)).toEqual([]);
  });

  it("rejects an expression PromQL cannot parse", () => {
    const errors = validatePrometheusRules(withRule({ alert: "A", expr: "sum(rate(x[5m]) >" }));
    expect(errors[0]).toMatch(/^groups\[0\]\.rules\[0\]\.expr: syntax error/);
  });

  it("rejects a rule that is both alerting and recording", () => {
    expect(validatePrometheusRules(withRule({ alert: "A", record: "a:b", expr: "up" }))).toContain(
      "groups[0].rules[0]: one of 'record' or 'alert' must be set",
    );
  });

  it("rejects a field rulefmt does not know", () => {
    expect(validatePrometheusRules(withRule({ alert: "A", expr: "up", severity: "page" }))).toEqual(
      ["groups[0].rules[0]: field severity not found in type rulefmt.Rule"],
    );
  });

  it("rejects a duration Prometheus cannot parse", () => {
    expect(validatePrometheusRules(withRule({ alert: "A", expr: "up", for: "5 minutes" }))).toEqual(
      ['groups[0].rules[0].for: not a Prometheus duration: "5 minutes"'],
    );
  });

  it("rejects 'for' on a recording rule", () => {
    expect(validatePrometheusRules(withRule({ record: "a:b", expr: "up", for: "5m" }))).toEqual([
      "groups[0].rules[0]: invalid field 'for' in recording rule",
    ]);
  });

  it("rejects two groups with the same name", () => {
    const group = { name: "same", rules: [{ alert: "A", expr: "up" }] };
    expect(validatePrometheusRules({ groups: [group, group] })).toEqual([
      "groups[1].name: same: repeated in the same file",
    ]);
  });
});

describe("the repository's alert rules", () => {
  const rules = readPrometheusRules();
  const byName = new Map(alertingRules(rules).map((rule) => [rule.alert, rule]));

  it.each([
    ["LlmGatewayHighErrorRate", /> 0\.01$/],
    ["LlmGatewayHighLatencyP95", /histogram_quantile\(0\.95,[\s\S]*> 3$/],
    ["LlmGatewayBreakerOpen", /llm_gateway_breaker_state\) == 2$/],
    ["LlmGatewayBudgetOver80Percent", /> 0\.8$/],
    ["LlmGatewayLowCacheHitRate", /< 0\.3$/],
    ["LlmGatewayJobQueueBacklog", /llm_gateway_jobs_queue_depth/],
  ])("has %s with the documented threshold", (name, pattern) => {
    expect(byName.get(name)?.expr.trim()).toMatch(pattern);
  });

  it("gives every alert a severity and a summary", () => {
    for (const rule of byName.values()) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(page|warning|info)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });
});
