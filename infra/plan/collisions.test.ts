import { describe, expect, it } from "vitest";
import { claimedIdentities, findCollisions, renderCollisions } from "./collisions";
import type { RecordedResource } from "./recording-mocks";
import type { Plan } from "./render";

function resource(type: string, inputs: Record<string, unknown>, name = "thing"): RecordedResource {
  return {
    urn: `urn:pulumi:stack::ai-platform::${type}::${name}`,
    type,
    name,
    parent: undefined,
    custom: true,
    read: false,
    protect: false,
    provider: undefined,
    additionalSecretOutputs: [],
    inputs,
    redactedInputs: inputs,
    secretInputs: [],
  };
}

function plan(stack: string, resources: RecordedResource[]): Plan {
  return { stack, stackFile: `Pulumi.${stack}.yaml`, resources, outputs: {}, secretsNotSet: [] };
}

const ruleset = (zoneId: string) =>
  resource("cloudflare:index/ruleset:Ruleset", {
    kind: "zone",
    phase: "http_request_cache_settings",
    zoneId,
  });

describe("claimedIdentities", () => {
  it.each([
    [
      "cloudflare:index/workersScript:WorkersScript",
      { accountId: "a", scriptName: "edge" },
      "Cloudflare Worker script edge in account a",
    ],
    [
      "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
      { accountId: "a", title: "definitions" },
      "Cloudflare KV namespace titled definitions in account a",
    ],
    [
      "cloudflare:index/workersRoute:WorkersRoute",
      { zoneId: "z", pattern: "api.example.com/*" },
      "Cloudflare Worker route api.example.com/* in zone z",
    ],
    [
      "vercel:index/project:Project",
      { name: "web", teamId: "team_1" },
      "Vercel project web in team team_1",
    ],
    [
      "upstash:index/redisDatabase:RedisDatabase",
      { databaseName: "cache" },
      "Upstash database cache",
    ],
    [
      "github:index/repositoryEnvironment:RepositoryEnvironment",
      { repository: "app", environment: "staging" },
      "GitHub environment staging of app",
    ],
    [
      "pulumi-nodejs:dynamic/supabase:FunctionDeployment",
      { projectRef: "ref", slug: "llm-gateway" },
      "Supabase Edge Function llm-gateway in project ref",
    ],
    [
      "pulumi-nodejs:dynamic/supabase:Migrations",
      { projectRef: "ref", migrationsDirectory: "supabase/migrations", migrations: [] },
      "Supabase migration history of project ref",
    ],
    [
      "pulumi-nodejs:dynamic/supabase:WorkerWakeUp",
      { projectRef: "ref", workerUrl: "https://ref.supabase.co/functions/v1/job-worker" },
      "Supabase Vault entries job_worker_url and job_worker_token of project ref",
    ],
  ])("names what a %s owns", (type, inputs, identity) => {
    expect(claimedIdentities(resource(type, inputs))).toEqual([identity]);
  });

  it("names the zone and phase of an entry-point ruleset", () => {
    expect(claimedIdentities(ruleset("z"))).toEqual([
      "Cloudflare entry-point ruleset of phase http_request_cache_settings in zone z",
    ]);
  });

  it("names each Supabase secret a secrets resource sets", () => {
    expect(
      claimedIdentities(
        resource("pulumi-nodejs:dynamic/supabase:Secrets", {
          projectRef: "ref",
          values: { A: "[secret]", B: "[secret]" },
        }),
      ),
    ).toEqual(["Supabase secret A in project ref", "Supabase secret B in project ref"]);
  });

  it("claims nothing for a type without a rule", () => {
    expect(claimedIdentities(resource("cloudflare:index/workersKv:WorkersKv", {}))).toEqual([]);
  });

  it("claims nothing from a value only the provider knows", () => {
    expect(
      claimedIdentities(
        resource("cloudflare:index/workersRoute:WorkersRoute", {
          zoneId: "[unknown]",
          pattern: "x/*",
        }),
      ),
    ).toEqual([]);
  });
});

describe("findCollisions", () => {
  it("finds one zone's cache ruleset claimed by two stacks", () => {
    expect(
      findCollisions([plan("staging", [ruleset("z")]), plan("production", [ruleset("z")])]),
    ).toEqual([
      {
        thing: "Cloudflare entry-point ruleset of phase http_request_cache_settings in zone z",
        stacks: ["production", "staging"],
        claimants: [
          "staging: urn:pulumi:stack::ai-platform::cloudflare:index/ruleset:Ruleset::thing",
          "production: urn:pulumi:stack::ai-platform::cloudflare:index/ruleset:Ruleset::thing",
        ],
      },
    ]);
  });

  it("accepts two stacks on different zones", () => {
    expect(
      findCollisions([plan("staging", [ruleset("z1")]), plan("production", [ruleset("z2")])]),
    ).toEqual([]);
  });

  it("ignores the same identity twice within one stack", () => {
    expect(findCollisions([plan("staging", [ruleset("z"), ruleset("z")])])).toEqual([]);
  });
});

const grafanaProviderUrn =
  "urn:pulumi:stack::ai-platform::pulumi:providers:grafana::monitoring-provider";

/** A Grafana provider pointing at `url`, and a folder with `uid` registered through it. */
function grafanaResources(url: string, uid: string): RecordedResource[] {
  const provider = {
    ...resource("pulumi:providers:grafana", { url, auth: "token" }, "monitoring-provider"),
    urn: grafanaProviderUrn,
  };
  const folder = {
    ...resource("grafana:oss/folder:Folder", { uid, title: "AI platform" }),
    provider: `${grafanaProviderUrn}::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
  };
  return [provider, folder];
}

describe("Grafana ownership", () => {
  const context = { providerInputs: { url: "https://Example.grafana.net/" } };

  it("names a folder by uid and the provider's Grafana", () => {
    expect(
      claimedIdentities(resource("grafana:oss/folder:Folder", { uid: "f", title: "F" }), context),
    ).toEqual(["Grafana folder f at https://example.grafana.net"]);
  });

  it("names a dashboard by the uid of its JSON", () => {
    expect(
      claimedIdentities(
        resource("grafana:oss/dashboard:Dashboard", { configJson: '{"uid":"d","title":"D"}' }),
        context,
      ),
    ).toEqual(["Grafana dashboard d at https://example.grafana.net"]);
  });

  it("names a rule group by name and folder", () => {
    expect(
      claimedIdentities(
        resource("grafana:alerting/ruleGroup:RuleGroup", { name: "g", folderUid: "f" }),
        context,
      ),
    ).toEqual(["Grafana rule group g in folder f at https://example.grafana.net"]);
  });

  it("claims nothing when the Grafana is not known", () => {
    expect(
      claimedIdentities(resource("grafana:oss/folder:Folder", { uid: "f", title: "F" })),
    ).toEqual([]);
  });

  it("finds two stacks provisioning one folder uid into one Grafana", () => {
    const collisions = findCollisions([
      plan("staging", grafanaResources("https://example.grafana.net", "shared")),
      plan("production", grafanaResources("https://example.grafana.net/", "shared")),
    ]);
    expect(collisions.map((collision) => collision.thing)).toEqual([
      "Grafana folder shared at https://example.grafana.net",
    ]);
  });

  it("accepts one folder uid in two Grafana instances", () => {
    expect(
      findCollisions([
        plan("staging", grafanaResources("https://staging.grafana.net", "shared")),
        plan("production", grafanaResources("https://production.grafana.net", "shared")),
      ]),
    ).toEqual([]);
  });
});

describe("renderCollisions", () => {
  it("names the thing and the stacks", () => {
    expect(
      renderCollisions([{ thing: "Upstash database cache", stacks: ["a", "b"], claimants: [] }]),
    ).toContain("  Upstash database cache: stacks a, b\n");
  });
});
