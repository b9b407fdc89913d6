import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parsePromql } from "./promql";

/** The Prometheus rules file of the repository. */
export const prometheusRulesPath = join(__dirname, "prometheus-rules.yml");

/** One rule of a Prometheus rules file (alerting or recording). */
export interface PrometheusRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One group of a Prometheus rules file. */
export interface PrometheusRuleGroup {
  name: string;
  interval?: string;
  labels?: Record<string, string>;
  rules: PrometheusRule[];
}

/**
 * The recording rule holding the daily spend cap the budget alert divides by. The file sets it to
 * the staging cap; provisioning into Grafana replaces it with the stack's `platform:budget.dailyUsd`.
 */
export const budgetDailyCapRecord = "llm_gateway:budget_daily_cap_usd";

/** A parsed Prometheus rules file. */
export interface PrometheusRules {
  groups: PrometheusRuleGroup[];
}

// The formats Prometheus accepts (model.ParseDuration, model.IsValidMetricName, LabelName).
const durationPattern = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const groupKeys = new Set(["name", "interval", "query_offset", "limit", "labels", "rules"]);
const ruleKeys = new Set([
  "alert",
  "record",
  "expr",
  "for",
  "keep_firing_for",
  "labels",
  "annotations",
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkDuration(value: unknown, where: string, errors: string[]): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value === "" || !durationPattern.test(value))
    errors.push(`${where}: not a Prometheus duration: ${JSON.stringify(value)}`);
}

function checkLabelMap(value: unknown, where: string, errors: string[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    errors.push(`${where}: must be a map of label names to strings`);
    return;
  }
  for (const [name, text] of Object.entries(value)) {
    if (!labelNamePattern.test(name)) errors.push(`${where}.${name}: invalid label name`);
    if (typeof text !== "string") errors.push(`${where}.${name}: must be a string`);
  }
}

function checkRule(rule: unknown, where: string, errors: string[]): void {
  if (!isRecord(rule)) {
    errors.push(`${where}: must be a map`);
    return;
  }
  for (const key of Object.keys(rule))
    if (!ruleKeys.has(key)) errors.push(`${where}: field ${key} not found in type rulefmt.Rule`);
  const isAlert = rule.alert !== undefined;
  const isRecording = rule.record !== undefined;
  if (isAlert === isRecording) errors.push(`${where}: one of 'record' or 'alert' must be set`);
  if (isRecording) {
    if (typeof rule.record !== "string" || !metricNamePattern.test(rule.record))
      errors.push(`${where}.record: invalid recording rule name ${JSON.stringify(rule.record)}`);
    for (const key of ["for", "keep_firing_for", "annotations"])
      if (rule[key] !== undefined)
        errors.push(`${where}: invalid field '${key}' in recording rule`);
  }
  if (isAlert && (typeof rule.alert !== "string" || rule.alert === ""))
    errors.push(`${where}.alert: must be a non-empty string`);
  if (typeof rule.expr !== "string") errors.push(`${where}.expr: field 'expr' must be set in rule`);
  else for (const error of parsePromql(rule.expr).errors) errors.push(`${where}.expr: ${error}`);
  checkDuration(rule.for, `${where}.for`, errors);
  checkDuration(rule.keep_firing_for, `${where}.keep_firing_for`, errors);
  checkLabelMap(rule.labels, `${where}.labels`, errors);
  checkLabelMap(rule.annotations, `${where}.annotations`, errors);
}

/**
 * Checks a rules file the way `promtool check rules` does (rulefmt): known fields only, groups
 * with unique non-empty names, each rule either alerting or recording with the fields its kind
 * allows, valid names and durations, and every `expr` parsed by Prometheus's PromQL grammar.
 * Returns the problems found, each naming its place in the file; none means valid.
 */
export function validatePrometheusRules(document: unknown): string[] {
  const errors: string[] = [];
  if (!isRecord(document) || !Array.isArray(document.groups))
    return ["groups: a rules file is a map with a list of groups"];
  const names = new Set<string>();
  document.groups.forEach((group: unknown, groupIndex) => {
    const where = `groups[${groupIndex}]`;
    if (!isRecord(group)) {
      errors.push(`${where}: must be a map`);
      return;
    }
    for (const key of Object.keys(group))
      if (!groupKeys.has(key))
        errors.push(`${where}: field ${key} not found in type rulefmt.RuleGroup`);
    if (typeof group.name !== "string" || group.name === "")
      errors.push(`${where}.name: groupname must not be empty`);
    else if (names.has(group.name))
      errors.push(`${where}.name: ${group.name}: repeated in the same file`);
    else names.add(group.name);
    checkDuration(group.interval, `${where}.interval`, errors);
    if (!Array.isArray(group.rules) || group.rules.length === 0)
      errors.push(`${where}.rules: a group needs at least one rule`);
    else
      group.rules.forEach((rule: unknown, ruleIndex) =>
        checkRule(rule, `${where}.rules[${ruleIndex}]`, errors),
      );
  });
  return errors;
}

/** Reads and validates the repository's rules file; throws with every problem found. */
export function readPrometheusRules(path = prometheusRulesPath): PrometheusRules {
  const document: unknown = parse(readFileSync(path, "utf8"));
  const errors = validatePrometheusRules(document);
  if (errors.length > 0) throw new Error(`${path}:\n${errors.join("\n")}`);
  return document as PrometheusRules;
}

/** Every alerting rule of `rules`, with its group's name. */
export function alertingRules(
  rules: PrometheusRules,
): Array<PrometheusRule & { alert: string; group: string }> {
  return rules.groups.flatMap((group) =>
    group.rules
      .filter((rule): rule is PrometheusRule & { alert: string } => rule.alert !== undefined)
      .map((rule) => ({ ...rule, group: group.name })),
  );
}
