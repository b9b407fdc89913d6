import * as pulumi from "@pulumi/pulumi";
import * as upstash from "@upstash/pulumi";
import { childName } from "./names";

/** Arguments of {@link CacheStore}. */
export interface CacheStoreArgs {
  /**
   * Upstash database name, unique in the account.
   * @example "ai-platform-staging"
   */
  databaseName: pulumi.Input<string>;
  /**
   * Region that takes writes. The database is always `region: "global"`: Upstash deprecated
   * regional databases.
   * @example "us-east-1"
   */
  primaryRegion: pulumi.Input<string>;
  /**
   * Extra read replicas, excluding the primary.
   * @default []
   */
  readRegions?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Evict keys when the database is full instead of failing writes: everything stored here
   * (responses, embeddings, breaker state) is a cache and can be recomputed.
   * @default true
   */
  eviction?: pulumi.Input<boolean>;
  /**
   * `protect` the database from deletion. A plain boolean because resource options cannot
   * wait for Outputs; the stack passes `platform:protectData`.
   * @default false
   */
  protect?: boolean;
}

/** Upstash Redis for the gateway's caches, budget counter and shared breaker state. */
export class CacheStore extends pulumi.ComponentResource {
  /** The Upstash database id. */
  readonly databaseId: pulumi.Output<string>;
  /** Hostname of the database (shared by REST and the Redis protocol). */
  readonly endpoint: pulumi.Output<string>;
  /** `UPSTASH_REDIS_REST_URL`; a secret, as it identifies the database. */
  readonly restUrl: pulumi.Output<string>;
  /** `UPSTASH_REDIS_REST_TOKEN` (read-write); secret. */
  readonly restToken: pulumi.Output<string>;
  /** Read-only REST token; secret. */
  readonly readOnlyRestToken: pulumi.Output<string>;
  /** `rediss://` URL with the password, for TCP clients (`REDIS_URL`); secret. */
  readonly redisUrl: pulumi.Output<string>;

  constructor(name: string, args: CacheStoreArgs, options?: pulumi.ComponentResourceOptions) {
    super("platform:index:CacheStore", name, {}, options);

    const database = new upstash.RedisDatabase(
      childName(name, "database"),
      {
        databaseName: args.databaseName,
        region: "global",
        primaryRegion: args.primaryRegion,
        readRegions: args.readRegions ?? [],
        eviction: args.eviction ?? true,
        tls: true,
      },
      {
        parent: this,
        protect: args.protect ?? false,
        // The provider does not mark these secret; without this they would sit in state and
        // `pulumi stack output` in plain text.
        additionalSecretOutputs: ["restToken", "readOnlyRestToken", "password"],
      },
    );

    this.databaseId = database.databaseId;
    this.endpoint = database.endpoint;
    this.restUrl = pulumi.secret(pulumi.interpolate`https://${database.endpoint}`);
    this.restToken = pulumi.secret(database.restToken);
    this.readOnlyRestToken = pulumi.secret(database.readOnlyRestToken);
    this.redisUrl = pulumi.secret(
      pulumi.interpolate`rediss://default:${database.password}@${database.endpoint}:${database.port}`,
    );

    this.registerOutputs({
      databaseId: this.databaseId,
      endpoint: this.endpoint,
      restUrl: this.restUrl,
      restToken: this.restToken,
      readOnlyRestToken: this.readOnlyRestToken,
      redisUrl: this.redisUrl,
    });
  }
}
