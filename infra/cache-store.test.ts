import type * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, isSecretOutput, promiseOf } from "../test/pulumi";
import { CacheStore } from "./cache-store";

const databaseType = "upstash:index/redisDatabase:RedisDatabase";

const recorder = installRecordingMocks({
  stack: "staging",
  providerOutputs: (resource) =>
    resource.type === databaseType
      ? {
          databaseId: "db-123",
          endpoint: "usw1-example.upstash.io",
          port: 6379,
          password: "redis-password",
          restToken: "rest-token",
          readOnlyRestToken: "read-only-token",
        }
      : {},
});

let staging: CacheStore;
let production: CacheStore;
beforeAll(async () => {
  staging = new CacheStore("staging-cache", {
    databaseName: "ai-platform-staging",
    primaryRegion: "us-east-1",
  });
  production = new CacheStore("production-cache", {
    databaseName: "ai-platform-production",
    primaryRegion: "eu-west-1",
    readRegions: ["us-east-1"],
    eviction: false,
    protect: true,
  });
  await recorder.settled();
});

describe("CacheStore database", () => {
  it("is a global database with the primary region, TLS and eviction on by default", () => {
    expect(recorder.named(databaseType, "staging-cache-database").inputs).toEqual({
      databaseName: "ai-platform-staging",
      region: "global",
      primaryRegion: "us-east-1",
      readRegions: [],
      eviction: true,
      tls: true,
    });
  });

  it("passes read regions and eviction through", () => {
    expect(recorder.named(databaseType, "production-cache-database").inputs).toMatchObject({
      primaryRegion: "eu-west-1",
      readRegions: ["us-east-1"],
      eviction: false,
    });
  });

  it("is a child of the component", async () => {
    expect(recorder.named(databaseType, "staging-cache-database").parent).toBe(
      await promiseOf(staging.urn),
    );
  });

  it("marks the provider's token and password outputs secret", () => {
    expect(recorder.named(databaseType, "staging-cache-database").additionalSecretOutputs).toEqual(
      expect.arrayContaining(["restToken", "readOnlyRestToken", "password"]),
    );
  });

  it("is not protected by default (staging)", () => {
    expect(recorder.named(databaseType, "staging-cache-database").protect).toBe(false);
  });

  it("is protected when asked (production)", () => {
    expect(recorder.named(databaseType, "production-cache-database").protect).toBe(true);
  });
});

describe("CacheStore outputs", () => {
  it("builds the REST URL from the endpoint", async () => {
    expect(await promiseOf(staging.restUrl)).toBe("https://usw1-example.upstash.io");
  });

  it.each([
    ["restUrl", () => staging.restUrl],
    ["restToken", () => staging.restToken],
    ["readOnlyRestToken", () => staging.readOnlyRestToken],
    ["redisUrl", () => staging.redisUrl],
  ])("keeps %s secret", async (_name, output: () => pulumi.Output<string>) => {
    expect(await isSecretOutput(output())).toBe(true);
  });

  it("exposes the read-write REST token", async () => {
    expect(await promiseOf(production.restToken)).toBe("rest-token");
  });

  it("builds a rediss:// URL with the password", async () => {
    expect(await promiseOf(staging.redisUrl)).toBe(
      "rediss://default:redis-password@usw1-example.upstash.io:6379",
    );
  });

  it("exposes the database id", async () => {
    expect(await promiseOf(staging.databaseId)).toBe("db-123");
  });
});
