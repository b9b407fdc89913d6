import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { definitionsCacheExpression } from "./edge-cache-rules";
import { childName } from "./names";

/** Arguments of {@link EdgeCache}. */
export interface EdgeCacheArgs {
  /** Cloudflare account that owns the Worker and the KV namespace (32 hex characters). */
  accountId: pulumi.Input<string>;
  /**
   * Zone to route the Worker on and to add the cache rule to. Without it the Worker is only
   * reachable on its workers.dev subdomain and no route or ruleset is created. A plain string
   * because it decides which resources exist.
   * @default undefined
   */
  zoneId?: string;
  /**
   * Route pattern on the zone; also limits the cache rule to its host. Only used with `zoneId`.
   * A plain string because the rule expression is computed from it.
   * @example "api.example.com/definitions/*"
   */
  routePattern?: string;
  /** Worker script name. @example "edge-cache-staging" */
  workerName: pulumi.Input<string>;
  /** KV namespace title. @example "definitions-staging" */
  kvNamespaceTitle: pulumi.Input<string>;
  /** The bundled Worker (one ES module). */
  workerContent: pulumi.Input<string>;
  /**
   * Module name of the bundle in the upload.
   * @default "worker.js"
   */
  mainModule?: pulumi.Input<string>;
  /**
   * Definition sets to seed, KV key -> JSON text. Keys are plain strings because each one
   * becomes a resource.
   */
  definitions: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Edge TTL of definition responses, and the Worker's `Cache-Control` max-age.
   * @default 3600
   */
  definitionsEdgeTtlSeconds?: pulumi.Input<number>;
  /**
   * Workers compatibility date the bundle was tested against.
   * @default "2025-09-01"
   */
  compatibilityDate?: pulumi.Input<string>;
  /**
   * `protect` the KV namespace and its entries (the data). A plain boolean because resource
   * options cannot wait for Outputs.
   * @default false
   */
  protect?: boolean;
}

/** Cloudflare KV + the edge-cache Worker serving static definitions, with a CDN cache rule. */
export class EdgeCache extends pulumi.ComponentResource {
  /** KV namespace id. */
  readonly kvNamespaceId: pulumi.Output<string>;
  /** Worker script name. */
  readonly workerName: pulumi.Output<string>;
  /** Route pattern, when a zone is configured. */
  readonly routePattern: pulumi.Output<string | undefined>;
  /** Cache ruleset id, when a zone is configured. */
  readonly cacheRulesetId: pulumi.Output<string | undefined>;
  /** The KV keys seeded. */
  readonly definitionKeys: string[];

  constructor(name: string, args: EdgeCacheArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:index:EdgeCache", name, {}, options);
    const protect = args.protect ?? false;
    const ttl = args.definitionsEdgeTtlSeconds ?? 3600;

    const namespace = new cloudflare.WorkersKvNamespace(
      childName(name, "kv"),
      { accountId: args.accountId, title: args.kvNamespaceTitle },
      { parent: this, protect },
    );

    this.definitionKeys = Object.keys(args.definitions).sort();
    for (const key of this.definitionKeys) {
      new cloudflare.WorkersKv(
        childName(name, "definition", key),
        {
          accountId: args.accountId,
          namespaceId: namespace.id,
          keyName: key,
          value: args.definitions[key] as pulumi.Input<string>,
        },
        { parent: this, protect },
      );
    }

    const script = new cloudflare.WorkersScript(
      childName(name, "worker"),
      {
        accountId: args.accountId,
        scriptName: args.workerName,
        content: args.workerContent,
        mainModule: args.mainModule ?? "worker.js",
        compatibilityDate: args.compatibilityDate ?? "2025-09-01",
        bindings: [
          { type: "kv_namespace", name: "DEFINITIONS", namespaceId: namespace.id },
          {
            type: "plain_text",
            name: "CACHE_MAX_AGE_SECONDS",
            text: pulumi.output(ttl).apply((seconds) => String(seconds)),
          },
        ],
      },
      { parent: this },
    );

    let routePattern: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let cacheRulesetId: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.zoneId !== undefined) {
      if (args.routePattern !== undefined) {
        const route = new cloudflare.WorkersRoute(
          childName(name, "route"),
          { zoneId: args.zoneId, pattern: args.routePattern, script: script.scriptName },
          { parent: this },
        );
        routePattern = route.pattern;
      }
      // A zone has one entry-point ruleset per phase: this stack owns the zone's cache rules.
      const ruleset = new cloudflare.Ruleset(
        childName(name, "cache-rules"),
        {
          zoneId: args.zoneId,
          kind: "zone",
          phase: "http_request_cache_settings",
          name: pulumi.interpolate`${args.workerName} cache rules`,
          description: "Edge TTL for static definitions served by the edge-cache Worker",
          rules: [
            {
              ref: "definitions_edge_ttl",
              description: "Cache definitions at the edge",
              expression: definitionsCacheExpression(args.routePattern),
              action: "set_cache_settings",
              actionParameters: {
                cache: true,
                edgeTtl: { mode: "override_origin", default: ttl },
              },
              enabled: true,
            },
          ],
        },
        { parent: this },
      );
      cacheRulesetId = ruleset.id;
    }

    this.kvNamespaceId = namespace.id;
    this.workerName = script.scriptName;
    this.routePattern = routePattern;
    this.cacheRulesetId = cacheRulesetId;
    this.registerOutputs({
      kvNamespaceId: this.kvNamespaceId,
      workerName: this.workerName,
      routePattern: this.routePattern,
      cacheRulesetId: this.cacheRulesetId,
    });
  }
}
