import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import {
  committedStackConfig,
  installRecordingMocks,
  isSecretOutput,
  promiseOf,
  setStackConfig,
} from "../test/pulumi";
import { loadStackConfig, missingSecretPlaceholder } from "./config";

installRecordingMocks({ stack: "staging" });

const staging = committedStackConfig("staging");

describe("loadStackConfig", () => {
  beforeEach(() => {
    setStackConfig(staging.values, staging.secretKeys);
  });

  it("derives the gateway URL from the Supabase project ref", () => {
    expect(loadStackConfig().gatewayUrl).toBe(
      "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
    );
  });

  it("names the stack file", () => {
    expect(loadStackConfig().stackFile).toBe("Pulumi.staging.yaml");
  });

  it("returns a set secret as a Pulumi secret", async () => {
    setStackConfig({ ...staging.values, "platform:openaiApiKey": "sk-test-value" }, [
      "platform:openaiApiKey",
    ]);
    expect(await isSecretOutput(loadStackConfig().secrets.openaiApiKey)).toBe(true);
  });

  it("returns a set secret's value", async () => {
    setStackConfig({ ...staging.values, "platform:openaiApiKey": "sk-test-value" }, [
      "platform:openaiApiKey",
    ]);
    expect(await promiseOf(loadStackConfig().secrets.openaiApiKey)).toBe("sk-test-value");
  });

  it("replaces a missing secret with a placeholder secret under the mock runtime", async () => {
    const config = loadStackConfig();
    expect([
      await isSecretOutput(config.secrets.cloudflareApiToken),
      await promiseOf(config.secrets.cloudflareApiToken),
    ]).toEqual([true, missingSecretPlaceholder]);
  });

  it("lists missing secrets", () => {
    expect(loadStackConfig().missingSecrets).toContain("vercel:apiToken");
  });

  it("fails on a missing secret when placeholders are not allowed, naming the command", () => {
    expect(() => loadStackConfig({ allowMissingSecrets: false })).toThrow(
      "Pulumi.staging.yaml: upstash:email is not set; run: pulumi config set --secret upstash:email --stack staging",
    );
  });

  it("fails with a RunError so the CLI prints no stack trace", async () => {
    setStackConfig({ ...staging.values, "platform:budget": '{"dailyUsd":-3}' }, staging.secretKeys);
    expect(() => loadStackConfig()).toThrow(pulumi.RunError);
  });
});
