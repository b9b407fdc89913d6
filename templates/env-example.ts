import type { ProfileValues } from "./eas-json";

/** Prefix a framework exposes to client code: Next.js `NEXT_PUBLIC_`, Expo `EXPO_PUBLIC_`. */
export type PublicPrefix = "NEXT_PUBLIC_" | "EXPO_PUBLIC_";

/** `.env.example` of an app: the public values of one stack, and where they came from. */
export function renderEnvExample(
  prefix: PublicPrefix,
  values: ProfileValues,
  source: { stackName: string; stackFile: string },
): string {
  return [
    `# Rendered by \`npm run templates -- --stack ${source.stackName}\` from ${source.stackFile}.`,
    "# Copy to .env.local. Public values only: they ship inside the app. The PostHog project key",
    "# is a public ingest key; never put a secret here.",
    `${prefix}API_URL=${values.apiUrl}`,
    `${prefix}POSTHOG_KEY=${values.posthogKey}`,
    `${prefix}POSTHOG_HOST=${values.posthogHost}`,
    "",
  ].join("\n");
}
