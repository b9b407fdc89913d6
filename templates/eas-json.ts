/** Public values one EAS build profile bakes into the app (`EXPO_PUBLIC_*`). */
export interface ProfileValues {
  /** Base URL of the LLM gateway. @example "https://abc.supabase.co/functions/v1/llm-gateway" */
  apiUrl: string;
  /** PostHog project key (a public ingest key, not a secret). @example "phc_abc" */
  posthogKey: string;
  /** PostHog ingest host. @default "https://us.i.posthog.com" */
  posthogHost: string;
}

/** The profiles the mobile-build workflow uses: `preview` for staging, `production` for production. */
export const easProfiles = ["development", "preview", "production"] as const;
export type EasProfile = (typeof easProfiles)[number];

function environmentOf(values: ProfileValues): Record<string, string> {
  return {
    EXPO_PUBLIC_API_URL: values.apiUrl,
    EXPO_PUBLIC_POSTHOG_KEY: values.posthogKey,
    EXPO_PUBLIC_POSTHOG_HOST: values.posthogHost,
  };
}

/** `eas.json` with one build profile per entry of {@link easProfiles}. */
export function renderEasJson(values: Record<EasProfile, ProfileValues>): string {
  const easJson = {
    cli: { version: ">= 16.0.0", appVersionSource: "remote" },
    build: {
      development: {
        developmentClient: true,
        distribution: "internal",
        channel: "development",
        env: environmentOf(values.development),
      },
      preview: {
        distribution: "internal",
        channel: "preview",
        env: environmentOf(values.preview),
      },
      production: {
        channel: "production",
        autoIncrement: true,
        env: environmentOf(values.production),
      },
    },
    submit: { production: {} },
  };
  return `${JSON.stringify(easJson, null, 2)}\n`;
}
