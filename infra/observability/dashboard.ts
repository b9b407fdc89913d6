import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The Grafana dashboard of the repository (Grafana's dashboard JSON model). */
export const dashboardPath = join(__dirname, "llm-gateway-dashboard.json");

/** The parts of a dashboard panel this repository reads. */
export interface DashboardPanel {
  id: number;
  title: string;
  targets?: Array<{ refId: string; expr: string }>;
  panels?: DashboardPanel[];
}

/** Reads the dashboard JSON text. */
export function readDashboardText(path = dashboardPath): string {
  return readFileSync(path, "utf8");
}

/** Every panel of `dashboard`, panels nested in rows included. */
export function dashboardPanels(dashboard: { panels?: DashboardPanel[] }): DashboardPanel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...dashboardPanels(panel)]);
}

/** What changes when the dashboard is provisioned into one stack's Grafana. */
export interface ProvisionedDashboardOptions {
  /** The stack's dashboard uid (two stacks in one Grafana need two). @example "llm-gateway-staging" */
  uid: string;
  /** The stack's dashboard title. @example "LLM gateway (staging)" */
  title: string;
  /** Uid of the Prometheus data source the `datasource` variable starts on. */
  prometheusDataSourceUid: string;
}

/**
 * The dashboard JSON as provisioned: the stack's uid and title, the `datasource` variable set to
 * the stack's Prometheus data source (a viewer can still switch), and no `id` or `version`, which
 * Grafana assigns.
 */
export function provisionedDashboardJson(
  text: string,
  options: ProvisionedDashboardOptions,
): string {
  const {
    id: _id,
    version: _version,
    ...dashboard
  } = JSON.parse(text) as Record<string, unknown> & {
    templating?: { list?: Array<Record<string, unknown>> };
  };
  const variables = (dashboard.templating?.list ?? []).map((variable) =>
    variable["type"] === "datasource" && variable["name"] === "datasource"
      ? {
          ...variable,
          current: {
            selected: true,
            text: options.prometheusDataSourceUid,
            value: options.prometheusDataSourceUid,
          },
        }
      : variable,
  );
  return JSON.stringify({
    ...dashboard,
    uid: options.uid,
    title: options.title,
    templating: { ...dashboard.templating, list: variables },
  });
}
