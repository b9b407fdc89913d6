/**
 * One broken stack file per provider rule, shared by the schema-level tests
 * (provider-rules.test.ts) and the tests that run the offline plan on each file
 * (provider-rules-plan.test.ts), so both prove the same rule with the same message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { RawStackConfig } from "./config-parse";

/** The stacks with a committed stack file. */
export type CommittedStack = "staging" | "production";

/** One rule, broken by replacing one value of a committed stack file. */
export interface ProviderRuleCase {
  /** The rule, as the test names it. @example "upstash.readRegions excludes primaryRegion" */
  rule: string;
  /** The committed stack file the case starts from. */
  stack: CommittedStack;
  /** Key path under `config:`, starting with the `platform:` key. */
  path: readonly (string | number)[];
  /** The value written there. */
  value: unknown;
  /** The line the program prints: stack file, key path, problem and value. */
  expected: string;
}

const repositoryRoot = join(__dirname, "..");

/** The committed `Pulumi.<stack>.yaml` text. */
export function committedStackText(stack: CommittedStack): string {
  return readFileSync(join(repositoryRoot, `Pulumi.${stack}.yaml`), "utf8");
}

/** The stack file of `ruleCase`: the committed one with the case's value written in. */
export function stackTextFor(ruleCase: ProviderRuleCase): string {
  const document = parseDocument(committedStackText(ruleCase.stack));
  document.setIn(["config", ...ruleCase.path], ruleCase.value);
  return document.toString();
}

/**
 * What the engine would hand the program for a stack file (`PULUMI_CONFIG`): every key under
 * `config:`, structured values as JSON text, scalars as text. The committed files hold no
 * secrets, so no key is marked secret.
 */
export function rawStackConfigOf(stackName: string, stackText: string): RawStackConfig {
  const config = (parseDocument(stackText).toJS() as { config: Record<string, unknown> }).config;
  const values = Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "object" && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );
  return { stackName, values, secretKeys: [] };
}

const staging = (
  rule: string,
  path: readonly (string | number)[],
  value: unknown,
  problem: string,
): ProviderRuleCase => ({
  rule,
  stack: "staging",
  path,
  value,
  expected: `Pulumi.staging.yaml: ${problem}`,
});

const production = (
  rule: string,
  path: readonly (string | number)[],
  value: unknown,
  problem: string,
): ProviderRuleCase => ({
  rule,
  stack: "production",
  path,
  value,
  expected: `Pulumi.production.yaml: ${problem}`,
});

const longWorkerName = `edge-${"a".repeat(59)}`;
const longGrafanaUid = "u".repeat(41);
const grafanaSection = {
  url: "https://example.grafana.net",
  prometheusDataSourceUid: "prometheus",
};
const longProjectName = "a".repeat(101);
const longKvTitle = "t".repeat(513);

/** Every rule the stack config enforces on behalf of a provider, one broken value each. */
export const providerRuleCases: readonly ProviderRuleCase[] = [
  staging(
    "Upstash read regions exclude the primary region",
    ["platform:upstash", "readRegions"],
    ["eu-west-1", "us-east-1"],
    'platform:upstash.readRegions[1] must not include platform:upstash.primaryRegion (the primary already serves reads; Upstash rejects it), got "us-east-1"',
  ),
  staging(
    "Upstash read regions are distinct",
    ["platform:upstash", "readRegions"],
    ["eu-west-1", "eu-west-1"],
    'platform:upstash.readRegions[1] repeats a region listed before it, got "eu-west-1"',
  ),
  production(
    "GitHub takes at most 6 environment reviewers, users and teams together",
    ["platform:github", "productionReviewers"],
    { users: [1, 2, 3, 4, 5], teams: [6, 7] },
    'platform:github.productionReviewers must list at most 6 reviewers, users and teams together (GitHub\'s limit), got {"users":[1,2,3,4,5],"teams":[6,7]}',
  ),
  production(
    "GitHub reviewer user ids are distinct",
    ["platform:github", "productionReviewers", "users"],
    [1234567, 1234567],
    'platform:github.productionReviewers.users[1] repeats a user id listed before it, got "1234567"',
  ),
  production(
    "GitHub reviewer team ids are numeric, under their own key",
    ["platform:github", "productionReviewers", "teams"],
    ["platform-team"],
    'platform:github.productionReviewers.teams[0] must be a numeric GitHub team id, got "platform-team"',
  ),
  staging(
    "the mixed productionReviewerIds key names its replacement",
    ["platform:github", "productionReviewerIds"],
    [1234567],
    "platform:github.productionReviewerIds was replaced by platform:github.productionReviewers: { users: [numeric user ids], teams: [numeric team ids] } (GitHub keeps user and team ids apart)",
  ),
  production(
    "a production environment has at least one reviewer",
    ["platform:github", "productionReviewers", "users"],
    [],
    'platform:github.productionReviewers must list at least one GitHub user or team id in production: production deploys wait for one of them to approve, got {"users":[],"teams":[]}',
  ),
  staging(
    "Vercel sensitive variables do not target only development",
    ["platform:vercel", "environmentTargets"],
    ["development"],
    'platform:vercel.environmentTargets must name preview or production: UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are sensitive, and Vercel rejects sensitive variables that target only development, got ["development"]',
  ),
  staging(
    "Vercel targets are distinct",
    ["platform:vercel", "environmentTargets"],
    ["preview", "preview"],
    'platform:vercel.environmentTargets[1] repeats a target listed before it, got "preview"',
  ),
  staging(
    "Vercel project names never contain ---",
    ["platform:vercel", "projectName"],
    "ai---platform",
    'platform:vercel.projectName must not contain "---" (Vercel reserves it), got "ai---platform"',
  ),
  staging(
    "Vercel project names are at most 100 characters",
    ["platform:vercel", "projectName"],
    longProjectName,
    `platform:vercel.projectName must be 1 to 100 characters, got "${longProjectName}"`,
  ),
  staging(
    "Vercel project names are lowercase",
    ["platform:vercel", "projectName"],
    "AI-Platform",
    'platform:vercel.projectName must be lowercase letters, digits, dots, dashes and underscores, got "AI-Platform"',
  ),
  staging(
    "the Vercel Git repository has a valid GitHub owner",
    ["platform:vercel", "gitRepository"],
    "-example-org/ai-platform",
    'platform:vercel.gitRepository must be a GitHub repository as owner/name; its owner is not a GitHub user or organization: letters, digits and single dashes, not at either end, got "-example-org/ai-platform"',
  ),
  staging(
    "Cloudflare Worker names are at most 63 characters",
    ["platform:cloudflare", "workerName"],
    longWorkerName,
    `platform:cloudflare.workerName must be at most 63 characters (a workers.dev subdomain label), got "${longWorkerName}"`,
  ),
  staging(
    "Cloudflare Worker names do not end with a dash",
    ["platform:cloudflare", "workerName"],
    "edge-cache-",
    'platform:cloudflare.workerName must be lowercase letters, digits and dashes, and not start or end with a dash, got "edge-cache-"',
  ),
  staging(
    "Cloudflare KV namespace titles are at most 512 characters",
    ["platform:cloudflare", "kvNamespaceTitle"],
    longKvTitle,
    `platform:cloudflare.kvNamespaceTitle must be at most 512 characters (Cloudflare's limit), got "${longKvTitle}"`,
  ),
  staging(
    "Cloudflare route patterns have no infix wildcard",
    ["platform:cloudflare", "routePattern"],
    "staging.api.example.com/*.json",
    'platform:cloudflare.routePattern must put * only at the start of the hostname or the end of the path (Cloudflare rejects infix wildcards), got "staging.api.example.com/*.json"',
  ),
  staging(
    "Cloudflare route patterns have no query string",
    ["platform:cloudflare", "routePattern"],
    "staging.api.example.com/definitions?set=*",
    'platform:cloudflare.routePattern must not contain a query string (Cloudflare route patterns cannot), got "staging.api.example.com/definitions?set=*"',
  ),
  staging(
    "route patterns have no scheme (the definitions URL is https://<pattern>)",
    ["platform:cloudflare", "routePattern"],
    "https://staging.api.example.com/definitions/*",
    'platform:cloudflare.routePattern must not begin with a scheme (write host/path; the Worker is served over https), got "https://staging.api.example.com/definitions/*"',
  ),
  staging(
    "GitHub owners are letters, digits and single dashes",
    ["platform:github", "owner"],
    "example_org",
    'platform:github.owner must be a GitHub user or organization: letters, digits and single dashes, not at either end, got "example_org"',
  ),
  staging(
    "GitHub repository names have no spaces",
    ["platform:github", "repository"],
    "ai platform",
    'platform:github.repository must be a GitHub repository name: letters, digits, ".", "_" and "-", got "ai platform"',
  ),
  staging(
    "the deploy branch is a name git accepts",
    ["platform:github", "branch"],
    "release..1",
    "platform:github.branch must be a branch name git accepts (no spaces, ~ ^ : ? * [ \\, '..', '@{', or a part starting with '.' or ending with '.lock'), got \"release..1\"",
  ),
  staging(
    "Grafana folder uids are at most 40 characters",
    ["platform:observability", "grafana"],
    { ...grafanaSection, folderUid: longGrafanaUid },
    `platform:observability.grafana.folderUid must be 1 to 40 characters (Grafana's uid limit), got "${longGrafanaUid}"`,
  ),
  production(
    "Grafana dashboard uids are letters, digits, - and _",
    ["platform:observability", "grafana"],
    { ...grafanaSection, dashboardUid: "llm.gateway" },
    'platform:observability.grafana.dashboardUid must be letters, digits, "-" and "_" only (Grafana\'s uid rule), got "llm.gateway"',
  ),
  staging(
    "Supabase project refs are 20 lowercase letters",
    ["platform:supabase", "projectRef"],
    "ABCDEFGHIJKLMNOPQRST",
    'platform:supabase.projectRef must be a Supabase project ref (20 lowercase letters), got "ABCDEFGHIJKLMNOPQRST"',
  ),
];
