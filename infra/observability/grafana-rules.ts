/**
 * The repository's Prometheus alert rules as Grafana-managed alert rule groups, the shape the
 * `grafana.alerting.RuleGroup` resource takes. The translation is the one Grafana itself applies
 * when it imports Prometheus rules (pkg/services/ngalert/prom/convert.go and query.go):
 *
 * - stage `query` runs the rule's PromQL as an instant query on the Prometheus data source;
 * - stage `prometheus_math` is `is_number($query) || is_nan($query) || is_inf($query)`, and the
 *   condition `threshold` is `prometheus_math > 0`: every series the expression returns fires, as
 *   in Prometheus, whatever its value;
 * - no data is OK (a Prometheus rule that returns nothing is not firing), a query error is Error,
 *   and a series that disappears resolves at the next evaluation (`missingSeriesEvalsToResolve: 1`);
 * - `for`, `keep_firing_for`, labels and annotations are kept; `$value` in a template becomes
 *   `$values.query.Value`, because Grafana's `$value` prints every stage's labels and value.
 *
 * Recording rules are not provisioned: Grafana-managed recording rules need a feature flag and a
 * remote-write target. The expressions that use one get its expression inline instead, which
 * evaluates to the same thing (the budget cap, `vector(5)`, becomes the stack's own cap).
 */
import { parsePromql } from "./promql";
import type { PrometheusRule, PrometheusRules } from "./alert-rules";

/** The uid Grafana gives its server-side expressions "data source". */
export const grafanaExpressionDataSourceUid = "__expr__";

/** The refIds of the three stages, as Grafana's Prometheus import names them. */
export const grafanaRuleStages = {
  query: "query",
  math: "prometheus_math",
  threshold: "threshold",
} as const;

/** How far back the instant query looks, in seconds (Grafana's import default: 600). */
export const grafanaQueryRangeSeconds = 600;

/** Evaluation interval of a group that sets none: Prometheus's default `evaluation_interval`. */
export const defaultRuleIntervalSeconds = 60;

/** One stage of a Grafana alert rule (`RuleGroupRuleData`). */
export interface GrafanaRuleStage {
  /** The stage's name, referred to by later stages. */
  refId: string;
  /** The data source queried, or {@link grafanaExpressionDataSourceUid} for an expression. */
  datasourceUid: string;
  /** `math` or `threshold` for expressions, empty for a data source query. */
  queryType: string;
  /** The stage's model as JSON text. */
  model: string;
  /** The queried range, seconds before the evaluation. */
  relativeTimeRange: { from: number; to: number };
}

/** One Grafana alert rule (`RuleGroupRule`). */
export interface GrafanaAlertRule {
  /** The rule's title: the Prometheus `alert` name. */
  name: string;
  /** Pending period, as in the rules file. */
  for: string;
  /** Recovering period, when the rules file sets `keep_firing_for`. */
  keepFiringFor?: string;
  /** The refId of the condition stage. */
  condition: string;
  /** State when the query returns nothing. */
  noDataState: "OK";
  /** State when the query fails. */
  execErrState: "Error";
  /** Missing evaluations before a vanished series resolves. */
  missingSeriesEvalsToResolve: number;
  /** Labels for routing: the group's, the rule's, then the extra ones. */
  labels: Record<string, string>;
  /** Summary and description templates. */
  annotations: Record<string, string>;
  /** The three stages. */
  datas: GrafanaRuleStage[];
}

/** One Grafana rule group (`RuleGroupArgs` without the folder). */
export interface GrafanaRuleGroup {
  /** The Prometheus group's name. */
  name: string;
  /** Evaluation interval in seconds. */
  intervalSeconds: number;
  /** The group's alerting rules, in file order. */
  rules: GrafanaAlertRule[];
}

/** Options of {@link grafanaRuleGroups}. */
export interface GrafanaRuleOptions {
  /** Uid of the Grafana data source that queries the Prometheus scraping the gateway. */
  prometheusDataSourceUid: string;
  /**
   * Expressions that replace a recording rule's own, by recorded name.
   * @example { "llm_gateway:budget_daily_cap_usd": "vector(50)" }
   */
  recordedExpressions?: Readonly<Record<string, string>>;
  /** Labels added to every rule, e.g. the stack's environment. @default {} */
  labels?: Readonly<Record<string, string>>;
}

const durationUnits: ReadonlyArray<readonly [string, number]> = [
  ["y", 365 * 86400],
  ["w", 7 * 86400],
  ["d", 86400],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
  ["ms", 0.001],
];

/** Seconds in a Prometheus duration (`1h30m`, `90s`); throws on anything else. */
export function prometheusDurationSeconds(text: string): number {
  const parts =
    /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (text === "" || parts === null) throw new Error(`not a Prometheus duration: "${text}"`);
  return durationUnits.reduce(
    (total, [, seconds], index) => total + Number(parts[index + 1] ?? 0) * seconds,
    0,
  );
}

/** A duration Grafana's provider parses (Go units only); days and longer become seconds. */
function grafanaDuration(text: string): string {
  return /^(?:\d+h)?(?:\d+m)?(?:\d+s)?$/.test(text) && text !== ""
    ? text
    : `${prometheusDurationSeconds(text)}s`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * `expression` with every reference to a recorded name replaced by `(its expression)`. A
 * reference with label matchers, a range or a modifier cannot be inlined: it throws.
 */
export function inlineRecordedExpressions(
  expression: string,
  recorded: Readonly<Record<string, string>>,
): string {
  let result = expression;
  for (const [name, recordedExpression] of Object.entries(recorded)) {
    const reference = new RegExp(`(?<![A-Za-z0-9_:])${escapeRegExp(name)}(?![A-Za-z0-9_:])`, "g");
    result = result.replace(reference, (match, offset: number, whole: string) => {
      const after = whole.slice(offset + match.length);
      if (/^\s*(?:[{[@]|offset\b)/.test(after)) {
        throw new Error(
          `cannot inline the recording rule ${name} where it has matchers, a range or a modifier: ${expression}`,
        );
      }
      return `(${recordedExpression})`;
    });
  }
  return result;
}

/** Prometheus's `$value` is the firing value; Grafana's is every stage: use the query's value. */
export function grafanaAnnotation(template: string): string {
  return template.replace(/\{\{[\s\S]*?\}\}/g, (action) =>
    action.replace(/\$value(?![A-Za-z0-9_])/g, `$values.${grafanaRuleStages.query}.Value`),
  );
}

function stages(expression: string, dataSourceUid: string): GrafanaRuleStage[] {
  const expressionDataSource = {
    type: grafanaExpressionDataSourceUid,
    uid: grafanaExpressionDataSourceUid,
  };
  return [
    {
      refId: grafanaRuleStages.query,
      datasourceUid: dataSourceUid,
      queryType: "",
      relativeTimeRange: { from: grafanaQueryRangeSeconds, to: 0 },
      model: JSON.stringify({
        datasource: { type: "prometheus", uid: dataSourceUid },
        expr: expression,
        instant: true,
        range: false,
        refId: grafanaRuleStages.query,
      }),
    },
    {
      refId: grafanaRuleStages.math,
      datasourceUid: grafanaExpressionDataSourceUid,
      queryType: "math",
      relativeTimeRange: { from: 0, to: 0 },
      model: JSON.stringify({
        datasource: expressionDataSource,
        expression: `is_number($${grafanaRuleStages.query}) || is_nan($${grafanaRuleStages.query}) || is_inf($${grafanaRuleStages.query})`,
        refId: grafanaRuleStages.math,
        type: "math",
      }),
    },
    {
      refId: grafanaRuleStages.threshold,
      datasourceUid: grafanaExpressionDataSourceUid,
      queryType: "threshold",
      relativeTimeRange: { from: 0, to: 0 },
      model: JSON.stringify({
        conditions: [{ evaluator: { params: [0], type: "gt" } }],
        datasource: expressionDataSource,
        expression: grafanaRuleStages.math,
        refId: grafanaRuleStages.threshold,
        type: "threshold",
      }),
    },
  ];
}

function alertRule(
  rule: PrometheusRule & { alert: string },
  groupLabels: Readonly<Record<string, string>>,
  recorded: Readonly<Record<string, string>>,
  options: GrafanaRuleOptions,
): GrafanaAlertRule {
  const expression = inlineRecordedExpressions(rule.expr.trim(), recorded);
  const errors = parsePromql(expression).errors;
  if (errors.length > 0) {
    throw new Error(`${rule.alert}: the inlined expression does not parse: ${errors.join("; ")}`);
  }
  return {
    name: rule.alert,
    for: grafanaDuration(rule.for ?? "0s"),
    ...(rule.keep_firing_for === undefined
      ? {}
      : { keepFiringFor: grafanaDuration(rule.keep_firing_for) }),
    condition: grafanaRuleStages.threshold,
    noDataState: "OK",
    execErrState: "Error",
    missingSeriesEvalsToResolve: 1,
    labels: { ...groupLabels, ...rule.labels, ...options.labels },
    annotations: Object.fromEntries(
      Object.entries(rule.annotations ?? {}).map(([key, template]) => [
        key,
        grafanaAnnotation(template),
      ]),
    ),
    datas: stages(expression, options.prometheusDataSourceUid),
  };
}

/** Grafana evaluates groups on a 10 s base interval; a group's interval is a multiple of it. */
export const grafanaBaseIntervalSeconds = 10;

function groupInterval(name: string, interval: string | undefined): number {
  if (interval === undefined) return defaultRuleIntervalSeconds;
  const seconds = prometheusDurationSeconds(interval);
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds % grafanaBaseIntervalSeconds !== 0) {
    throw new Error(
      `group ${name}: interval ${interval} is not a multiple of Grafana's ${grafanaBaseIntervalSeconds}s base interval`,
    );
  }
  return seconds;
}

/**
 * The alerting rules of `rules` as Grafana rule groups, one per Prometheus group that has any;
 * recording rules are inlined where they are used (see the file comment).
 */
export function grafanaRuleGroups(
  rules: PrometheusRules,
  options: GrafanaRuleOptions,
): GrafanaRuleGroup[] {
  const recorded: Record<string, string> = {};
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      if (rule.record !== undefined) recorded[rule.record] = rule.expr.trim();
    }
  }
  Object.assign(recorded, options.recordedExpressions);
  return rules.groups.flatMap((group) => {
    const groupLabels = group.labels ?? {};
    const alerts = group.rules.filter(
      (rule): rule is PrometheusRule & { alert: string } => rule.alert !== undefined,
    );
    if (alerts.length === 0) return [];
    return [
      {
        name: group.name,
        intervalSeconds: groupInterval(group.name, group.interval),
        rules: alerts.map((rule) => alertRule(rule, groupLabels, recorded, options)),
      },
    ];
  });
}
