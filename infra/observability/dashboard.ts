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
