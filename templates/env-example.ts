import type { ProfileValues } from "./eas-json";

/** One line of a `.env.example`. */
export interface EnvironmentEntry {
  /** Variable name. @example "NEXT_PUBLIC_POSTHOG_KEY" */
  name: string;
  /** Its value for the stack. */
  value: string;
}

/**
 * The web app's variables, named as the WebApp component sets them on Vercel: the gateway URL
 * is server-side (`LLM_GATEWAY_URL`), only the PostHog values reach the browser.
 */
export function webEnvironment(values: ProfileValues): EnvironmentEntry[] {
  return [
    { name: "LLM_GATEWAY_URL", value: values.apiUrl },
    { name: "NEXT_PUBLIC_POSTHOG_KEY", value: values.posthogKey },
    { name: "NEXT_PUBLIC_POSTHOG_HOST", value: values.posthogHost },
  ];
}

/** The Expo app's variables, the same ones `eas.json` sets per build profile. */
export function mobileEnvironment(values: ProfileValues): EnvironmentEntry[] {
  return [
    { name: "EXPO_PUBLIC_API_URL", value: values.apiUrl },
    { name: "EXPO_PUBLIC_POSTHOG_KEY", value: values.posthogKey },
    { name: "EXPO_PUBLIC_POSTHOG_HOST", value: values.posthogHost },
  ];
}

/** `.env.example` of an app: the values of one stack, and where they came from. */
export function renderEnvExample(
  entries: readonly EnvironmentEntry[],
  source: { stackName: string; stackFile: string },
): string {
  return [
    `# Rendered by \`npm run templates -- --stack ${source.stackName}\` from ${source.stackFile}.`,
    "# Copy to .env.local. No secrets here: the PostHog project key is a public ingest key, and",
    "# secrets (tokens, keys) reach deployments through Pulumi, never through this file.",
    ...entries.map((entry) => `${entry.name}=${entry.value}`),
    "",
  ].join("\n");
}
