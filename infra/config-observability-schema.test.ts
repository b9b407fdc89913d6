import { describe, expect, it } from "vitest";
import { isStackConfigError } from "./config-errors";
import { parseStackConfig, type RawStackConfig } from "./config-parse";
import { grafanaUidProblem, grafanaUrlProblem } from "./config-observability-schema";
import { committedStackText, rawStackConfigOf } from "./provider-rules-cases";
import { secretKeys } from "./secret-keys";

const grafana = {
  url: "https://example.grafana.net",
  prometheusDataSourceUid: "prometheus",
};

/** The committed staging stack with `platform:observability` set to `observability`. */
function stagingWith(observability: unknown): RawStackConfig {
  const raw = rawStackConfigOf("staging", committedStackText("staging"));
  return {
    ...raw,
    values: { ...raw.values, "platform:observability": JSON.stringify(observability) },
  };
}

/** `raw` with every secret set and marked secret, except the keys in `unset`. */
function withSecrets(raw: RawStackConfig, unset: readonly string[] = []): RawStackConfig {
  const keys = secretKeys.map(({ key }) => key).filter((key) => !unset.includes(key));
  return {
    ...raw,
    values: { ...raw.values, ...Object.fromEntries(keys.map((key) => [key, "value"])) },
    secretKeys: keys,
  };
}

function problemsOf(raw: RawStackConfig, allowMissingSecrets = true): readonly string[] {
  try {
    parseStackConfig(raw, { allowMissingSecrets });
  } catch (error) {
    if (isStackConfigError(error)) return error.problems;
    throw error;
  }
  return [];
}

describe("platform:observability", () => {
  it("may be absent", () => {
    expect(problemsOf(rawStackConfigOf("staging", committedStackText("staging")), true)).toEqual(
      [],
    );
  });

  it("accepts a Grafana URL and data source", () => {
    expect(problemsOf(stagingWith({ grafana }))).toEqual([]);
  });

  it("names a missing data source uid", () => {
    expect(problemsOf(stagingWith({ grafana: { url: grafana.url } }))).toEqual([
      "Pulumi.staging.yaml: platform:observability.grafana.prometheusDataSourceUid is missing; it must be the uid of the Grafana data source that queries the Prometheus scraping the gateway",
    ]);
  });

  it("names a misspelt key", () => {
    expect(problemsOf(stagingWith({ grafana: { ...grafana, folderUID: "x" } }))).toEqual([
      "Pulumi.staging.yaml: platform:observability.grafana.folderUID is not a known key (check its spelling)",
    ]);
  });

  it("refuses a URL that would carry credentials", () => {
    expect(
      problemsOf(stagingWith({ grafana: { ...grafana, url: "https://admin:pw@grafana.local" } })),
    ).toEqual([
      'Pulumi.staging.yaml: platform:observability.grafana.url must not contain credentials; set them with: pulumi config set --secret platform:grafanaAuth, got "https://admin:pw@grafana.local"',
    ]);
  });
});

describe("platform:grafanaAuth", () => {
  it("is required by a deployment that provisions Grafana", () => {
    const problems = problemsOf(
      withSecrets(stagingWith({ grafana }), ["platform:grafanaAuth"]),
      false,
    );
    expect(problems).toEqual([
      'Pulumi.staging.yaml: platform:grafanaAuth is not set, and platform:observability.grafana.url needs it (a Grafana service account token, or "anonymous"); run: pulumi config set --secret platform:grafanaAuth --stack staging',
    ]);
  });

  it("is not required by a deployment without Grafana", () => {
    const raw = withSecrets(rawStackConfigOf("staging", committedStackText("staging")), [
      "platform:grafanaAuth",
    ]);
    expect(problemsOf(raw, false)).toEqual([]);
  });

  it("may be missing in the offline plan, which uses a placeholder", () => {
    expect(problemsOf(stagingWith({ grafana }), true)).toEqual([]);
  });
});

describe("grafanaUrlProblem", () => {
  it("accepts http on localhost, for a local Grafana", () => {
    expect(grafanaUrlProblem("http://localhost:3000")).toBeUndefined();
  });

  it("refuses http elsewhere: the token would travel in clear", () => {
    expect(grafanaUrlProblem("http://grafana.example.com")).toBe(
      "must be an https URL (http only for localhost): the provider sends platform:grafanaAuth to it",
    );
  });

  it("accepts a Grafana served under a path", () => {
    expect(grafanaUrlProblem("https://example.com/grafana")).toBeUndefined();
  });

  it("refuses a query string", () => {
    expect(grafanaUrlProblem("https://example.com/?orgId=1")).toBe(
      "must be Grafana's root URL, without a query or fragment",
    );
  });
});

describe("grafanaUidProblem", () => {
  it("accepts 40 characters", () => {
    expect(grafanaUidProblem("a".repeat(40))).toBeUndefined();
  });

  it("refuses an empty uid", () => {
    expect(grafanaUidProblem("")).toBe("must be 1 to 40 characters (Grafana's uid limit)");
  });
});
