import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { definitionDigests, edgeCacheVersion } from "../functions/edge-cache/edge-cache-version";
import { childName } from "./names";

/** Arguments of {@link EdgeCache}. */
export interface EdgeCacheArgs {
  /** Cloudflare account that owns the Worker and the KV namespace (32 hex characters). */
  accountId: pulumi.Input<string>;
  /**
   * Zone to route the Worker on. Without it (or without `routePattern`) the Worker is only
   * reachable on its workers.dev subdomain, where the Cache API stores nothing, and no route is
   * created. A plain string because it decides which resources exist.
   * @default undefined
   */
  zoneId?: string;
  /**
   * Route pattern on the zone. Only used with `zoneId`.
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
   * How long each Cloudflare data center keeps a definition in the Worker's edge cache (Cache
   * API, `s-maxage`), and the `max-age` browsers and apps receive, in seconds.
   * @default 3600
   */
  definitionsEdgeTtlSeconds?: pulumi.Input<number>;
  /**
   * `cacheTtl` of the Worker's KV reads, in seconds; Cloudflare's minimum is 60. It only matters
   * on an edge-cache miss.
   * @default 60
   */
  definitionsKvCacheTtlSeconds?: pulumi.Input<number>;
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

/**
 * Cloudflare KV + the edge-cache Worker serving static definitions. The Worker caches at the edge
 * itself (Cache API, keyed by URL and {@link EdgeCache.definitionsVersion}): a zone cache rule
 * would never apply to responses it builds without `fetch()`, so none is created.
 */
export class EdgeCache extends pulumi.ComponentResource {
  /** KV namespace id. */
  readonly kvNamespaceId: pulumi.Output<string>;
  /** Worker script name. */
  readonly workerName: pulumi.Output<string>;
  /** Route pattern, when a zone is configured. */
  readonly routePattern: pulumi.Output<string | undefined>;
  /**
   * Version bound to the Worker as `DEFINITIONS_VERSION`: a digest of the bundle, the
   * definitions and the TTLs. Every change starts a fresh edge cache; no purge is needed.
   */
  readonly definitionsVersion: pulumi.Output<string>;
  /** The KV keys seeded. */
  readonly definitionKeys: string[];

  constructor(name: string, args: EdgeCacheArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:index:EdgeCache", name, {}, options);
    const protect = args.protect ?? false;
    const edgeTtl = pulumi.output(args.definitionsEdgeTtlSeconds ?? 3600).apply(String);
    const kvCacheTtl = pulumi.output(args.definitionsKvCacheTtlSeconds ?? 60).apply(String);
    const compatibilityDate = args.compatibilityDate ?? "2025-09-01";

    const namespace = new cloudflare.WorkersKvNamespace(
      childName(name, "kv"),
      { accountId: args.accountId, title: args.kvNamespaceTitle },
      { parent: this, protect },
    );

    this.definitionKeys = Object.keys(args.definitions).sort();
    const entries = this.definitionKeys.map(
      (key) =>
        new cloudflare.WorkersKv(
          childName(name, "definition", key),
          {
            accountId: args.accountId,
            namespaceId: namespace.id,
            keyName: key,
            value: args.definitions[key] as pulumi.Input<string>,
          },
          { parent: this, protect },
        ),
    );

    const digests = pulumi.output(args.definitions).apply((texts) => definitionDigests(texts));
    const version = pulumi
      .all([args.workerContent, digests, edgeTtl, kvCacheTtl, compatibilityDate])
      .apply(([workerContent, definitionDigestsByName, edgeSeconds, kvSeconds, date]) =>
        edgeCacheVersion({
          workerContent,
          definitionDigests: definitionDigestsByName,
          settings: {
            CACHE_MAX_AGE_SECONDS: edgeSeconds,
            EDGE_CACHE_TTL_SECONDS: edgeSeconds,
            KV_CACHE_TTL_SECONDS: kvSeconds,
            compatibilityDate: date,
          },
        }),
      );

    const script = new cloudflare.WorkersScript(
      childName(name, "worker"),
      {
        accountId: args.accountId,
        scriptName: args.workerName,
        content: args.workerContent,
        mainModule: args.mainModule ?? "worker.js",
        compatibilityDate,
        bindings: [
          { type: "kv_namespace", name: "DEFINITIONS", namespaceId: namespace.id },
          { type: "plain_text", name: "CACHE_MAX_AGE_SECONDS", text: edgeTtl },
          { type: "plain_text", name: "EDGE_CACHE_TTL_SECONDS", text: edgeTtl },
          { type: "plain_text", name: "KV_CACHE_TTL_SECONDS", text: kvCacheTtl },
          { type: "plain_text", name: "DEFINITIONS_VERSION", text: version },
          {
            type: "json",
            name: "DEFINITION_DIGESTS",
            json: digests.apply((value) => JSON.stringify(value)),
          },
        ],
      },
      // The new version goes live only after the new values are written, so a data center
      // never stores pre-deploy bytes under it (the digests catch KV reads that lag behind).
      { parent: this, dependsOn: entries },
    );

    let routePattern: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.zoneId !== undefined && args.routePattern !== undefined) {
      const route = new cloudflare.WorkersRoute(
        childName(name, "route"),
        { zoneId: args.zoneId, pattern: args.routePattern, script: script.scriptName },
        { parent: this },
      );
      routePattern = route.pattern;
    }

    this.kvNamespaceId = namespace.id;
    this.workerName = script.scriptName;
    this.routePattern = routePattern;
    this.definitionsVersion = version;
    this.registerOutputs({
      kvNamespaceId: this.kvNamespaceId,
      workerName: this.workerName,
      routePattern: this.routePattern,
      definitionsVersion: this.definitionsVersion,
    });
  }
}
