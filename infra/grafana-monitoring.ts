import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { StackConfig } from "./config";
import { childName } from "./names";
import {
  budgetDailyCapRecord,
  readPrometheusRules,
  type PrometheusRules,
} from "./observability/alert-rules";
import { provisionedDashboardJson, readDashboardText } from "./observability/dashboard";
import { grafanaRuleGroups } from "./observability/grafana-rules";

/** Arguments of {@link GrafanaMonitoring}. */
export interface GrafanaMonitoringArgs {
  /**
   * Grafana's root URL (`platform:observability.grafana.url`).
   * @example "https://example.grafana.net"
   */
  url: pulumi.Input<string>;
  /**
   * Credentials of the provider (`platform:grafanaAuth`): a service account token with the
   * Editor role, `user:password`, or `anonymous`. Kept a Pulumi secret.
   */
  auth: pulumi.Input<string>;
  /**
   * Uid of the folder holding the dashboard and the rules; unique per stack in one Grafana.
   * @example "ai-platform-staging"
   */
  folderUid: pulumi.Input<string>;
  /** Title of that folder. @example "AI platform (staging)" */
  folderTitle: pulumi.Input<string>;
  /** Uid of the dashboard; unique per stack in one Grafana. @example "llm-gateway-staging" */
  dashboardUid: string;
  /** Title of the dashboard. @example "LLM gateway (staging)" */
  dashboardTitle: string;
  /**
   * Uid of the Grafana data source that queries the Prometheus scraping this stack's gateway:
   * the rules query it, and the dashboard opens on it.
   */
  prometheusDataSourceUid: string;
  /**
   * The stack's daily spend cap (`platform:budget.dailyUsd`): the budget alert fires above 80 % of
   * it. It replaces the rules file's recording rule, which holds the staging cap.
   */
  dailyCapUsd: number;
  /**
   * Labels added to every alert rule, so one Grafana can route several stacks' alerts.
   * @default {}
   * @example { environment: "staging" }
   */
  alertLabels?: Readonly<Record<string, string>>;
  /**
   * The dashboard JSON (Grafana's dashboard model).
   * @default the text of infra/observability/llm-gateway-dashboard.json
   */
  dashboardJson?: string;
  /**
   * The Prometheus rules to provision.
   * @default infra/observability/prometheus-rules.yml, validated as `promtool check rules` does
   */
  rules?: PrometheusRules;
}

/**
 * The repository's dashboard and alert rules in the stack's Grafana, through the Pulumiverse
 * Grafana provider: one folder, the dashboard, and one Grafana-managed alert rule group per
 * Prometheus group (docs/observability.md says how the rules are translated).
 */
export class GrafanaMonitoring extends pulumi.ComponentResource {
  /** The folder's uid. */
  readonly folderUid: pulumi.Output<string>;
  /** The dashboard's URL in Grafana. */
  readonly dashboardUrl: pulumi.Output<string>;
  /** Names of the alert rule groups. */
  readonly ruleGroupNames: string[];

  constructor(
    name: string,
    args: GrafanaMonitoringArgs,
    options?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:grafana:Monitoring", name, {}, options);

    const provider = new grafana.Provider(
      childName(name, "provider"),
      { url: args.url, auth: pulumi.secret(args.auth) },
      { parent: this },
    );
    const childOptions = { parent: this, provider };

    const folder = new grafana.oss.Folder(
      childName(name, "folder"),
      { uid: args.folderUid, title: args.folderTitle },
      childOptions,
    );

    const dashboard = new grafana.oss.Dashboard(
      childName(name, "dashboard"),
      {
        folder: folder.uid,
        configJson: provisionedDashboardJson(args.dashboardJson ?? readDashboardText(), {
          uid: args.dashboardUid,
          title: args.dashboardTitle,
          prometheusDataSourceUid: args.prometheusDataSourceUid,
        }),
        // The dashboard is code: a change made in the UI is replaced at the next `pulumi up`.
        overwrite: true,
        message: "pulumi up",
      },
      childOptions,
    );

    const groups = grafanaRuleGroups(args.rules ?? readPrometheusRules(), {
      prometheusDataSourceUid: args.prometheusDataSourceUid,
      recordedExpressions: { [budgetDailyCapRecord]: `vector(${args.dailyCapUsd})` },
      labels: args.alertLabels ?? {},
    });
    for (const group of groups) {
      new grafana.alerting.RuleGroup(
        childName(name, "rules", group.name),
        {
          name: group.name,
          folderUid: folder.uid,
          intervalSeconds: group.intervalSeconds,
          rules: group.rules,
        },
        childOptions,
      );
    }

    this.folderUid = folder.uid;
    this.dashboardUrl = dashboard.url;
    this.ruleGroupNames = groups.map((group) => group.name);
    this.registerOutputs({ folderUid: this.folderUid, dashboardUrl: this.dashboardUrl });
  }
}

/**
 * The component's arguments from the stack config, or `undefined` when the stack sets no
 * `platform:observability.grafana` (then nothing is registered). Uids and titles default to
 * per-environment values, so staging and production can share one Grafana.
 */
export function grafanaMonitoringArgsFromConfig(
  config: Pick<StackConfig, "environment" | "observability" | "budget"> & {
    secrets: Pick<StackConfig["secrets"], "grafanaAuth">;
  },
): GrafanaMonitoringArgs | undefined {
  const settings = config.observability?.grafana;
  if (settings === undefined) return undefined;
  const { environment } = config;
  return {
    url: settings.url,
    auth: config.secrets.grafanaAuth,
    folderUid: settings.folderUid ?? `ai-platform-${environment}`,
    folderTitle: settings.folderTitle ?? `AI platform (${environment})`,
    dashboardUid: settings.dashboardUid ?? `llm-gateway-${environment}`,
    dashboardTitle: `LLM gateway (${environment})`,
    prometheusDataSourceUid: settings.prometheusDataSourceUid,
    dailyCapUsd: config.budget.dailyUsd,
    alertLabels: { environment },
  };
}
