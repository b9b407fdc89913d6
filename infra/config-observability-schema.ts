/**
 * `platform:observability`: where the repository's dashboard and alert rules are provisioned
 * (infra/grafana-monitoring.ts). The section is optional; without `grafana` nothing is registered.
 * Messages complete the sentence "`platform:<key>` ...", as in config-schema.ts.
 */
import { z } from "zod";
import { refineWith } from "./provider-rules";

/** Grafana: a folder, dashboard or alert rule uid is at most 40 characters (`util.MaxUIDLength`). */
export const grafanaUidMaxLength = 40;

/** The key of the Grafana credentials, named in the error when the URL is set without them. */
export const grafanaAuthKey = "platform:grafanaAuth";

/**
 * Grafana uid (pkg/util `ValidateUID`): 1 to 40 letters, digits, `-` and `_`. Grafana rejects
 * anything else when the folder or dashboard is created, after other resources already exist.
 */
export function grafanaUidProblem(uid: string): string | undefined {
  if (uid.length === 0 || uid.length > grafanaUidMaxLength) {
    return `must be 1 to ${grafanaUidMaxLength} characters (Grafana's uid limit)`;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(uid)) {
    return 'must be letters, digits, "-" and "_" only (Grafana\'s uid rule)';
  }
  return undefined;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The Grafana root URL: https (http only on a loopback host, for a local Grafana), with neither
 * credentials (they belong in the secret `platform:grafanaAuth`) nor a query or fragment.
 */
export function grafanaUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be a URL such as https://example.grafana.net";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackHosts.has(url.hostname))) {
    return "must be an https URL (http only for localhost): the provider sends platform:grafanaAuth to it";
  }
  if (url.username !== "" || url.password !== "") {
    return `must not contain credentials; set them with: pulumi config set --secret ${grafanaAuthKey}`;
  }
  if (url.search !== "" || url.hash !== "") {
    return "must be Grafana's root URL, without a query or fragment";
  }
  return undefined;
}

const grafanaUid = (what: string) =>
  z.string({ error: `must be ${what}` }).superRefine(refineWith(grafanaUidProblem));

/** `platform:observability.grafana`. */
export const grafanaSchema = z.strictObject(
  {
    url: z
      .string({ error: "must be a URL such as https://example.grafana.net" })
      .superRefine(refineWith(grafanaUrlProblem)),
    prometheusDataSourceUid: grafanaUid(
      "the uid of the Grafana data source that queries the Prometheus scraping the gateway",
    ),
    folderUid: grafanaUid("a Grafana folder uid").optional(),
    folderTitle: z
      .string({ error: "must be a folder title" })
      .min(1, { error: "must be a folder title" })
      .optional(),
    dashboardUid: grafanaUid("a Grafana dashboard uid").optional(),
  },
  {
    error: "must be a map: { url, prometheusDataSourceUid, folderUid, folderTitle, dashboardUid }",
  },
);

/** `platform:observability`: the whole section may be absent. */
export const observabilitySchema = z.strictObject(
  { grafana: grafanaSchema.optional() },
  { error: "must be a map: { grafana }" },
);

/** The validated `platform:observability.grafana` section. */
export type GrafanaConfig = z.infer<typeof grafanaSchema>;

/**
 * The line reporting that a deployment provisions Grafana without credentials, or `undefined`.
 * `platform:grafanaAuth` is an optional secret (nothing uses it without a Grafana URL), so the
 * generic missing-secret check leaves it alone; without this, the provider would fall back to the
 * `GRAFANA_AUTH` variable of whatever machine runs `pulumi up`.
 */
export function grafanaAuthProblem(
  observability: { grafana?: unknown } | undefined,
  authIsSet: boolean,
  stack: { stackFile: string; setCommand: string },
): string | undefined {
  if (observability?.grafana === undefined || authIsSet) return undefined;
  return `${stack.stackFile}: ${grafanaAuthKey} is not set, and platform:observability.grafana.url needs it (a Grafana service account token, or "anonymous"); run: ${stack.setCommand}`;
}
