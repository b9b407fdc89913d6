// Physical things two stacks must never both own. Each rule turns one registered resource into
// the identity the cloud keys it by; two stacks producing the same identity would fight over one
// object (the second `pulumi up` fails with "already exists", or silently takes it over).
import type { RecordedResource } from "./recording-mocks";
import type { Plan } from "./render";
import { unknownMarker } from "./recording-mocks";

/** One physical thing claimed by more than one stack. */
export interface Collision {
  /** What is claimed, in the cloud's terms. @example "Cloudflare Worker script edge-cache in account 0123..." */
  thing: string;
  /** The stacks claiming it, sorted. */
  stacks: string[];
  /** The resources claiming it, as `stack: urn`. */
  claimants: string[];
}

/** What a rule may read besides the resource's own inputs. */
export interface OwnershipContext {
  /** Inputs of the explicit provider the resource was registered with (where it points), if any. */
  providerInputs?: Readonly<Record<string, unknown>> | undefined;
}

/** How one resource type maps to the identities it claims. */
interface OwnershipRule {
  /** The resource type token. */
  type: string;
  /** The identities; an empty list when the resource claims nothing exclusive. */
  identities(inputs: Readonly<Record<string, unknown>>, context: OwnershipContext): string[];
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value);

/**
 * The Grafana instance a resource lives in: its provider's URL without a trailing slash, host
 * lowercased, so `https://Example.grafana.net/` and `https://example.grafana.net` are one.
 */
function grafanaInstance(context: OwnershipContext): string {
  const url = context.providerInputs?.["url"];
  if (typeof url !== "string") return unknownMarker;
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url;
  }
}

/** The `uid` of a dashboard's JSON model, or the unknown marker. */
function dashboardUid(configJson: unknown): string {
  if (typeof configJson !== "string") return unknownMarker;
  try {
    const uid = (JSON.parse(configJson) as { uid?: unknown }).uid;
    return typeof uid === "string" ? uid : unknownMarker;
  } catch {
    return unknownMarker;
  }
}

/** Dynamic Supabase resources are told apart by their input shape, as their type token is shared. */
function supabaseIdentities(inputs: Readonly<Record<string, unknown>>): string[] {
  const project = text(inputs["projectRef"]);
  if (typeof inputs["slug"] === "string") {
    return [`Supabase Edge Function ${inputs["slug"]} in project ${project}`];
  }
  const values = inputs["values"];
  if (typeof values === "object" && values !== null) {
    return Object.keys(values).map((name) => `Supabase secret ${name} in project ${project}`);
  }
  return [];
}

/** Every rule, by type. Sources for each are in docs/architecture.md ("Stacks do not collide"). */
export const ownershipRules: readonly OwnershipRule[] = [
  {
    type: "cloudflare:index/ruleset:Ruleset",
    identities: (inputs) =>
      inputs["kind"] === "zone"
        ? [
            `Cloudflare entry-point ruleset of phase ${text(inputs["phase"])} in zone ${text(inputs["zoneId"])}`,
          ]
        : [],
  },
  {
    type: "cloudflare:index/workersScript:WorkersScript",
    identities: (inputs) => [
      `Cloudflare Worker script ${text(inputs["scriptName"])} in account ${text(inputs["accountId"])}`,
    ],
  },
  {
    type: "cloudflare:index/workersKvNamespace:WorkersKvNamespace",
    identities: (inputs) => [
      `Cloudflare KV namespace titled ${text(inputs["title"])} in account ${text(inputs["accountId"])}`,
    ],
  },
  {
    type: "cloudflare:index/workersRoute:WorkersRoute",
    identities: (inputs) => [
      `Cloudflare Worker route ${text(inputs["pattern"])} in zone ${text(inputs["zoneId"])}`,
    ],
  },
  {
    type: "vercel:index/project:Project",
    identities: (inputs) => [
      `Vercel project ${text(inputs["name"])} in team ${text(inputs["teamId"])}`,
    ],
  },
  {
    type: "upstash:index/redisDatabase:RedisDatabase",
    identities: (inputs) => [`Upstash database ${text(inputs["databaseName"])}`],
  },
  {
    type: "github:index/repositoryEnvironment:RepositoryEnvironment",
    identities: (inputs) => [
      `GitHub environment ${text(inputs["environment"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "github:index/repositoryFile:RepositoryFile",
    identities: (inputs) => [
      `GitHub file ${text(inputs["file"])} on ${text(inputs["branch"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "github:index/actionsSecret:ActionsSecret",
    identities: (inputs) => [
      `GitHub repository secret ${text(inputs["secretName"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "github:index/actionsVariable:ActionsVariable",
    identities: (inputs) => [
      `GitHub repository variable ${text(inputs["variableName"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    identities: (inputs) => [
      `GitHub secret ${text(inputs["secretName"])} of environment ${text(inputs["environment"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable",
    identities: (inputs) => [
      `GitHub variable ${text(inputs["variableName"])} of environment ${text(inputs["environment"])} of ${text(inputs["repository"])}`,
    ],
  },
  {
    type: "pulumi-nodejs:dynamic/supabase:Secrets",
    identities: supabaseIdentities,
  },
  {
    type: "pulumi-nodejs:dynamic/supabase:FunctionDeployment",
    identities: supabaseIdentities,
  },
  {
    // One history table per database: two stacks migrating it would each take the other's rows
    // for their own, and destroying one would delete rows the other still counts as applied.
    type: "pulumi-nodejs:dynamic/supabase:Migrations",
    identities: (inputs) => [`Supabase migration history of project ${text(inputs["projectRef"])}`],
  },
  {
    // One schedule per database reads these two Vault entries: two stacks would each overwrite
    // the other's URL and token, and destroying one would unconfigure the other's wake-up.
    type: "pulumi-nodejs:dynamic/supabase:WorkerWakeUp",
    identities: (inputs) => [
      `Supabase Vault entries job_worker_url and job_worker_token of project ${text(inputs["projectRef"])}`,
    ],
  },
  {
    // Grafana keys folders and dashboards by uid in an organization; a second stack with the same
    // uid would overwrite the first one's (the dashboard is provisioned with overwrite).
    type: "grafana:oss/folder:Folder",
    identities: (inputs, context) =>
      inputs["uid"] === undefined
        ? []
        : [`Grafana folder ${text(inputs["uid"])} at ${grafanaInstance(context)}`],
  },
  {
    type: "grafana:oss/dashboard:Dashboard",
    identities: (inputs, context) => [
      `Grafana dashboard ${dashboardUid(inputs["configJson"])} at ${grafanaInstance(context)}`,
    ],
  },
  {
    type: "grafana:alerting/ruleGroup:RuleGroup",
    identities: (inputs, context) => [
      `Grafana rule group ${text(inputs["name"])} in folder ${text(inputs["folderUid"])} at ${grafanaInstance(context)}`,
    ],
  },
];

const rulesByType = new Map(ownershipRules.map((rule) => [rule.type, rule]));

/** The identities one resource claims (none for types without a rule, or with unknown keys). */
export function claimedIdentities(
  resource: RecordedResource,
  context: OwnershipContext = {},
): string[] {
  const rule = rulesByType.get(resource.type);
  if (rule === undefined || resource.read) {
    return [];
  }
  // An identity built from a provider-computed value cannot be compared before `pulumi up`.
  return rule
    .identities(resource.inputs, context)
    .filter((identity) => !identity.includes(unknownMarker));
}

/** The inputs of the explicit provider a resource names (`<provider urn>::<id>`), in its plan. */
function providerInputsOf(
  resource: RecordedResource,
  providers: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): Readonly<Record<string, unknown>> | undefined {
  const reference = resource.provider;
  if (reference === undefined) return undefined;
  return providers.get(reference.slice(0, reference.lastIndexOf("::")));
}

/** Every identity claimed by more than one stack. */
export function findCollisions(plans: readonly Plan[]): Collision[] {
  const claims = new Map<string, Array<{ stack: string; urn: string }>>();
  for (const plan of plans) {
    const providers = new Map(
      plan.resources
        .filter((resource) => resource.type.startsWith("pulumi:providers:"))
        .map((resource) => [resource.urn, resource.inputs] as const),
    );
    for (const resource of plan.resources) {
      const context = { providerInputs: providerInputsOf(resource, providers) };
      for (const identity of claimedIdentities(resource, context)) {
        const list = claims.get(identity) ?? [];
        list.push({ stack: plan.stack, urn: resource.urn });
        claims.set(identity, list);
      }
    }
  }
  const collisions: Collision[] = [];
  for (const [thing, list] of claims) {
    const stacks = [...new Set(list.map((claim) => claim.stack))].sort();
    if (stacks.length > 1) {
      collisions.push({
        thing,
        stacks,
        claimants: list.map((claim) => `${claim.stack}: ${claim.urn}`),
      });
    }
  }
  return collisions.sort((left, right) => left.thing.localeCompare(right.thing));
}

/** The collisions as the lines `plan --all` prints on stderr. */
export function renderCollisions(collisions: readonly Collision[]): string {
  const lines = [
    `${collisions.length} physical resource(s) would be owned by more than one stack:`,
    ...collisions.flatMap((collision) => [
      `  ${collision.thing}: stacks ${collision.stacks.join(", ")}`,
      ...collision.claimants.map((claimant) => `    ${claimant}`),
    ]),
    "Give each stack its own name or zone in its Pulumi.<stack>.yaml.",
  ];
  return `${lines.join("\n")}\n`;
}
