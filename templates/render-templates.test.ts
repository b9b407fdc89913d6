import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localGatewayUrl, renderTemplates } from "./render-templates";

const root = join(__dirname, "..");
const fixtures = join(__dirname, "__fixtures__");

function fileContent(rendered: ReturnType<typeof renderTemplates>, suffix: string): string {
  const file = rendered.files.find((candidate) => candidate.path.endsWith(suffix));
  if (!file) throw new Error(`no rendered file ends with ${suffix}`);
  return file.content;
}

function easEnvironment(rendered: ReturnType<typeof renderTemplates>, profile: string) {
  const easJson = JSON.parse(fileContent(rendered, "eas.json")) as {
    build: Record<string, { env: Record<string, string> }>;
  };
  return easJson.build[profile]?.env;
}

describe("renderTemplates", () => {
  const staging = renderTemplates(root, "staging");

  it("lays files out along the stack's app paths", () => {
    expect(staging.files.map((file) => file.path).sort()).toEqual([
      "apps/mobile/.env.example",
      "apps/mobile/eas.json",
      "apps/mobile/lib/analytics.ts",
      "apps/web/.env.example",
      "apps/web/lib/analytics.ts",
      "supabase/config.toml",
    ]);
  });

  it("fills the preview profile from the staging stack", () => {
    expect(easEnvironment(staging, "preview")).toEqual({
      EXPO_PUBLIC_API_URL: "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway",
      EXPO_PUBLIC_POSTHOG_KEY: "phc_examplestagingkey",
      EXPO_PUBLIC_POSTHOG_HOST: "https://us.i.posthog.com",
    });
  });

  it("fills the production profile from the production stack file", () => {
    expect(easEnvironment(staging, "production")?.EXPO_PUBLIC_POSTHOG_KEY).toBe(
      "phc_exampleproductionkey",
    );
  });

  it("points the development profile at the local gateway", () => {
    expect(easEnvironment(staging, "development")?.EXPO_PUBLIC_API_URL).toBe(localGatewayUrl);
  });

  it("renders the same profiles whichever stack is named", () => {
    const production = renderTemplates(root, "production");
    expect(fileContent(production, "eas.json")).toBe(fileContent(staging, "eas.json"));
  });

  it("writes the stack's values into the web .env.example under the Vercel variable names", () => {
    expect(fileContent(staging, "apps/web/.env.example")).toContain(
      "LLM_GATEWAY_URL=https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway\n" +
        "NEXT_PUBLIC_POSTHOG_KEY=phc_examplestagingkey\n",
    );
  });

  it("writes Expo public variables into the mobile .env.example", () => {
    expect(fileContent(staging, "apps/mobile/.env.example")).toContain(
      "EXPO_PUBLIC_API_URL=https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway\n",
    );
  });

  it("warns and reuses the named stack when the other environment has no stack file", () => {
    const rendered = renderTemplates(join(fixtures, "missing-production"), "staging");
    expect(rendered.warnings).toEqual([
      'eas.json: profile "production" uses Pulumi.staging.yaml because Pulumi.production.yaml does not exist',
    ]);
  });

  it("names the missing stack file", () => {
    expect(() => renderTemplates(root, "qa")).toThrow("--stack qa: Pulumi.qa.yaml does not exist");
  });

  it("names the stack file and key of an invalid value", () => {
    expect(() => renderTemplates(join(fixtures, "invalid-stack"), "staging")).toThrow(
      /Pulumi\.staging\.yaml: platform:posthog\.projectKey/,
    );
  });
});
