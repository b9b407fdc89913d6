import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isStackConfigError } from "./config-errors";
import { parseStackConfig, type RawStackConfig } from "./config-parse";
import { engineConfigFromStackFile } from "./plan/stack-config";
import { secretKeys } from "./secret-keys";

const repositoryRoot = join(__dirname, "..");

/** A raw stack config whose values a test may change. */
type EditableStackConfig = RawStackConfig & { values: Record<string, string> };

function committedStack(stackName: string): EditableStackConfig {
  const stackFile = `Pulumi.${stackName}.yaml`;
  const engineConfig = engineConfigFromStackFile(
    readFileSync(join(repositoryRoot, stackFile), "utf8"),
    { stackFile, projectName: "ai-platform" },
  );
  return { stackName, ...engineConfig };
}

/** The staging stack with one `platform` value replaced (dotted path inside the key's object). */
function stagingWith(key: string, path: string[], value: unknown): EditableStackConfig {
  const raw = committedStack("staging");
  const fullKey = `platform:${key}`;
  const current: unknown = raw.values[fullKey] === undefined ? {} : JSON.parse(raw.values[fullKey]);
  let replaced: unknown = value;
  if (path.length > 0) {
    const root = current as Record<string, unknown>;
    let cursor = root;
    path.slice(0, -1).forEach((segment) => {
      cursor = cursor[segment] as Record<string, unknown>;
    });
    const last = path[path.length - 1] as string;
    if (value === undefined) {
      delete cursor[last];
    } else {
      cursor[last] = value;
    }
    replaced = root;
  }
  return { ...raw, values: { ...raw.values, [fullKey]: JSON.stringify(replaced) } };
}

function problemsOf(raw: RawStackConfig, allowMissingSecrets = true): readonly string[] {
  try {
    parseStackConfig(raw, { allowMissingSecrets });
  } catch (error) {
    if (isStackConfigError(error)) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe("parseStackConfig with the committed stack files", () => {
  it("accepts Pulumi.staging.yaml", () => {
    expect(
      parseStackConfig(committedStack("staging"), { allowMissingSecrets: true }).platform,
    ).toMatchObject({ environment: "staging", protectData: false });
  });

  it("accepts Pulumi.production.yaml", () => {
    expect(
      parseStackConfig(committedStack("production"), { allowMissingSecrets: true }).platform,
    ).toMatchObject({ environment: "production", protectData: true });
  });

  it("lists every secret as missing when none is set", () => {
    const parsed = parseStackConfig(committedStack("staging"), { allowMissingSecrets: true });
    expect(parsed.missingSecrets).toEqual(secretKeys.map((secret) => secret.key));
  });

  it("fills defaults for optional keys", () => {
    const parsed = parseStackConfig(stagingWith("cache", [], {}), { allowMissingSecrets: true });
    expect(parsed.platform.cache).toEqual({
      responseTtlSeconds: 3600,
      embeddingTtlSeconds: 604800,
      definitionsEdgeTtlSeconds: 3600,
      maxTemperature: 0.3,
      semanticDistanceThreshold: 0.12,
    });
  });
});

describe("parseStackConfig errors name the file, the key and the problem", () => {
  it.each([
    [
      "budget.dailyUsd negative",
      stagingWith("budget", ["dailyUsd"], -3),
      'Pulumi.staging.yaml: platform:budget.dailyUsd must be a positive number, got "-3"',
    ],
    [
      "environment outside the two names",
      {
        ...committedStack("staging"),
        values: { ...committedStack("staging").values, "platform:environment": "prod" },
      },
      'Pulumi.staging.yaml: platform:environment must be "staging" or "production", got "prod"',
    ],
    [
      "protectData not a boolean",
      {
        ...committedStack("staging"),
        values: { ...committedStack("staging").values, "platform:protectData": "yes" },
      },
      'Pulumi.staging.yaml: platform:protectData must be true or false, got "yes"',
    ],
    [
      "upstash.primaryRegion unknown",
      stagingWith("upstash", ["primaryRegion"], "us-east-2"),
      'Pulumi.staging.yaml: platform:upstash.primaryRegion must be one of us-east-1, us-west-1, us-west-2, eu-central-1, eu-west-1, sa-east-1, ap-southeast-1, ap-southeast-2, got "us-east-2"',
    ],
    [
      "upstash.readRegions entry unknown",
      stagingWith("upstash", ["readRegions"], ["mars-1"]),
      'Pulumi.staging.yaml: platform:upstash.readRegions[0] must be one of us-east-1, us-west-1, us-west-2, eu-central-1, eu-west-1, sa-east-1, ap-southeast-1, ap-southeast-2, got "mars-1"',
    ],
    [
      "cloudflare.accountId malformed",
      stagingWith("cloudflare", ["accountId"], "xyz"),
      'Pulumi.staging.yaml: platform:cloudflare.accountId must be a Cloudflare account id (32 hexadecimal characters), got "xyz"',
    ],
    [
      "cloudflare.routePattern without a zone",
      stagingWith("cloudflare", ["zoneId"], undefined),
      'Pulumi.staging.yaml: platform:cloudflare.routePattern is set but platform:cloudflare.zoneId is not (a route needs a zone), got "staging.api.example.com/definitions/*"',
    ],
    [
      "vercel.teamId malformed",
      stagingWith("vercel", ["teamId"], "examplestarter"),
      'Pulumi.staging.yaml: platform:vercel.teamId must be a Vercel team id such as team_abc123, got "examplestarter"',
    ],
    [
      "vercel.environmentTargets empty",
      stagingWith("vercel", ["environmentTargets"], []),
      "Pulumi.staging.yaml: platform:vercel.environmentTargets must name at least one Vercel target, got []",
    ],
    [
      "supabase.projectRef malformed",
      stagingWith("supabase", ["projectRef"], "ABC"),
      'Pulumi.staging.yaml: platform:supabase.projectRef must be a Supabase project ref (20 lowercase letters), got "ABC"',
    ],
    [
      "github.productionReviewers.users not numeric",
      stagingWith("github", ["productionReviewers", "users"], ["octocat"]),
      'Pulumi.staging.yaml: platform:github.productionReviewers.users[0] must be a numeric GitHub user id, got "octocat"',
    ],
    [
      "llm.routes tier with an unknown provider",
      stagingWith("llm", ["routes", "fast"], [{ provider: "mistral", model: "large" }]),
      'Pulumi.staging.yaml: platform:llm.routes.fast must be a list of {provider, model} or {expensive, candidates}, got [{"provider":"mistral","model":"large"}]',
    ],
    [
      "llm.prices negative",
      stagingWith("llm", ["prices", "gpt-4o", "inputPerMillion"], -1),
      'Pulumi.staging.yaml: platform:llm.prices.gpt-4o.inputPerMillion must be zero or more US dollars, got "-1"',
    ],
    [
      "cache.definitionsEdgeTtlSeconds fractional",
      stagingWith("cache", ["definitionsEdgeTtlSeconds"], 1.5),
      'Pulumi.staging.yaml: platform:cache.definitionsEdgeTtlSeconds must be a positive whole number of seconds, got "1.5"',
    ],
    [
      "uptime.intervalMinutes below GitHub's schedule floor",
      stagingWith("uptime", ["intervalMinutes"], 1),
      'Pulumi.staging.yaml: platform:uptime.intervalMinutes must be a whole number of minutes, at least 5, got "1"',
    ],
    [
      "posthog.host not https",
      stagingWith("posthog", ["host"], "http://eu.posthog.com"),
      'Pulumi.staging.yaml: platform:posthog.host must be an https URL, got "http://eu.posthog.com"',
    ],
    [
      "posthog.projectKey missing",
      stagingWith("posthog", ["projectKey"], undefined),
      "Pulumi.staging.yaml: platform:posthog.projectKey is missing; it must be a PostHog project key such as phc_...",
    ],
    [
      "a misspelt key",
      stagingWith("budget", ["dailyUSD"], 3),
      "Pulumi.staging.yaml: platform:budget.dailyUSD is not a known key (check its spelling)",
    ],
  ])("reports %s", (_case, raw, expected) => {
    expect(problemsOf(raw)).toContain(expected);
  });

  it("reports every problem at once", () => {
    const raw = stagingWith("budget", ["dailyUsd"], -3);
    raw.values["platform:environment"] = "prod";
    expect(problemsOf(raw)).toHaveLength(2);
  });

  it("lets an optional secret (platform:sentryDsn) be left unset outside the offline plan", () => {
    expect(problemsOf(committedStack("production"), false).join("\n")).not.toContain(
      "platform:sentryDsn",
    );
  });

  it("lets the database URL (platform:databaseUrl) be left unset outside the offline plan", () => {
    expect(problemsOf(committedStack("production"), false).join("\n")).not.toContain(
      "platform:databaseUrl",
    );
  });

  it("lets the wake-up token (platform:jobWorkerToken) be left unset outside the offline plan", () => {
    expect(problemsOf(committedStack("production"), false).join("\n")).not.toContain(
      "platform:jobWorkerToken",
    );
  });

  it("still lists an unset optional secret as missing, so it is not deployed", () => {
    const parsed = parseStackConfig(committedStack("staging"), { allowMissingSecrets: true });
    expect(parsed.missingSecrets).toContain("platform:metricsToken");
  });

  it("names the pulumi config set line for a missing secret outside the offline plan", () => {
    expect(problemsOf(committedStack("production"), false)).toContain(
      "Pulumi.production.yaml: platform:openaiApiKey is not set; run: pulumi config set --secret platform:openaiApiKey --stack production",
    );
  });

  it("refuses a secret stored in plain text", () => {
    const raw = committedStack("staging");
    raw.values["cloudflare:apiToken"] = "plain";
    expect(problemsOf(raw)).toContain(
      "Pulumi.staging.yaml: cloudflare:apiToken is stored in plain text; remove it and run: pulumi config set --secret cloudflare:apiToken --stack staging",
    );
  });

  it("accepts a secret set with --secret", () => {
    const raw = committedStack("staging");
    raw.values["cloudflare:apiToken"] = "set";
    raw.secretKeys = [...raw.secretKeys, "cloudflare:apiToken"];
    expect(parseStackConfig(raw, { allowMissingSecrets: true }).missingSecrets).not.toContain(
      "cloudflare:apiToken",
    );
  });
});
