import type * as pulumi from "@pulumi/pulumi";

/** One environment variable of the Vercel project. */
export interface WebAppVariable {
  /** Variable name. @example "UPSTASH_REDIS_REST_TOKEN" */
  key: string;
  /** Its value; secret values arrive as Pulumi secrets. */
  value: pulumi.Input<string>;
  /** Sensitive variables cannot be read back from Vercel's API or dashboard. */
  sensitive: boolean;
  /** Shown in the Vercel dashboard. */
  comment: string;
}

/** Keys of the variables set as sensitive: Vercel never shows or returns their values. */
export const sensitiveWebAppVariableKeys = [
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
] as const;

/**
 * The targets a sensitive variable gets: `targets` without `development`. Vercel does not
 * allow sensitive variables in development (`vercel env pull` could not return them anyway),
 * and rejects one that targets only development.
 */
export function sensitiveVariableTargets(targets: readonly string[]): string[] {
  return targets.filter((target) => target !== "development");
}

/** Values the web app receives from the other components and from config. */
export interface WebAppValues {
  /** Upstash REST URL (secret). */
  redisRestUrl: pulumi.Input<string>;
  /** Upstash REST token (secret). */
  redisRestToken: pulumi.Input<string>;
  /** The LLM gateway's URL. */
  gatewayUrl: pulumi.Input<string>;
  /** PostHog project key (a public ingest key). */
  posthogKey: pulumi.Input<string>;
  /** PostHog ingest host. */
  posthogHost: pulumi.Input<string>;
}

/**
 * The prefix a framework requires before it exposes a variable to browser code. Only values
 * that are public by design (the PostHog ingest key and host) get it.
 */
export const browserVariablePrefixes: Readonly<Record<string, string>> = {
  nextjs: "NEXT_PUBLIC_",
  vite: "VITE_",
  "create-react-app": "REACT_APP_",
  gatsby: "GATSBY_",
  nuxtjs: "NUXT_PUBLIC_",
  sveltekit: "PUBLIC_",
  astro: "PUBLIC_",
};

/** The prefix for browser-visible variables under `framework`; empty when it has none. */
export function browserVariablePrefix(framework: string): string {
  return browserVariablePrefixes[framework] ?? "";
}

/** The variables set on the Vercel project, in a stable order. */
export function webAppVariables(framework: string, values: WebAppValues): WebAppVariable[] {
  const browser = browserVariablePrefix(framework);
  return [
    {
      key: sensitiveWebAppVariableKeys[0],
      value: values.redisRestUrl,
      sensitive: true,
      comment: "Upstash Redis REST URL (CacheStore)",
    },
    {
      key: sensitiveWebAppVariableKeys[1],
      value: values.redisRestToken,
      sensitive: true,
      comment: "Upstash Redis REST token (CacheStore)",
    },
    {
      key: "LLM_GATEWAY_URL",
      value: values.gatewayUrl,
      sensitive: false,
      comment: "LLM gateway (Supabase Edge Function)",
    },
    {
      key: `${browser}POSTHOG_KEY`,
      value: values.posthogKey,
      sensitive: false,
      comment: "PostHog project key (public ingest key)",
    },
    {
      key: `${browser}POSTHOG_HOST`,
      value: values.posthogHost,
      sensitive: false,
      comment: "PostHog ingest host",
    },
  ];
}
