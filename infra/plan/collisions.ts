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

/** How one resource type maps to the identities it claims. */
interface OwnershipRule {
  /** The resource type token. */
  type: string;
  /** The identities; an empty list when the resource claims nothing exclusive. */
  identities(inputs: Readonly<Record<string, unknown>>): string[];
}

const text = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value);

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
];

const rulesByType = new Map(ownershipRules.map((rule) => [rule.type, rule]));

/** The identities one resource claims (none for types without a rule, or with unknown keys). */
export function claimedIdentities(resource: RecordedResource): string[] {
  const rule = rulesByType.get(resource.type);
  if (rule === undefined || resource.read) {
    return [];
  }
  // An identity built from a provider-computed value cannot be compared before `pulumi up`.
  return rule.identities(resource.inputs).filter((identity) => !identity.includes(unknownMarker));
}

/** Every identity claimed by more than one stack. */
export function findCollisions(plans: readonly Plan[]): Collision[] {
  const claims = new Map<string, Array<{ stack: string; urn: string }>>();
  for (const plan of plans) {
    for (const resource of plan.resources) {
      for (const identity of claimedIdentities(resource)) {
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
