import * as cloudflare from "@pulumi/cloudflare";
import * as github from "@pulumi/github";
import * as vercel from "@pulumiverse/vercel";
import * as upstash from "@upstash/pulumi";
import type { StackConfig } from "./config";

/** One explicit provider per cloud, configured from the validated stack config. */
export interface PlatformProviders {
  /** Upstash, authenticated with `upstash:email` and `upstash:apiKey`. */
  upstash: upstash.Provider;
  /** Cloudflare, authenticated with `cloudflare:apiToken`. */
  cloudflare: cloudflare.Provider;
  /** Vercel, authenticated with `vercel:apiToken`, scoped to `platform:vercel.teamId`. */
  vercel: vercel.Provider;
  /** GitHub, authenticated with `github:token`, owner `platform:github.owner`. */
  github: github.Provider;
}

/**
 * Explicit providers take their credentials from `StackConfig.secrets`, so the credentials
 * pass the same validation (and the same "secrets not set" report) as every other secret
 * instead of failing inside a provider plugin halfway through an update.
 */
export function createProviders(config: StackConfig): PlatformProviders {
  return {
    upstash: new upstash.Provider("upstash", {
      email: config.secrets.upstashEmail,
      apiKey: config.secrets.upstashApiKey,
    }),
    cloudflare: new cloudflare.Provider("cloudflare", {
      apiToken: config.secrets.cloudflareApiToken,
    }),
    vercel: new vercel.Provider("vercel", {
      apiToken: config.secrets.vercelApiToken,
      team: config.vercel.teamId,
    }),
    github: new github.Provider("github", {
      token: config.secrets.githubToken,
      owner: config.github.owner,
    }),
  };
}
