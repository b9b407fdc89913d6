import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderEasJson, type EasProfile, type ProfileValues } from "./eas-json";
import { mobileEnvironment, renderEnvExample, webEnvironment } from "./env-example";
import { renderSupabaseConfig } from "./supabase-config";
import { readTemplateStack, stackExists, type TemplateStack } from "./template-stack";

/** One rendered file. */
export interface RenderedTemplate {
  /** Path inside the output folder, following the stack's `platform:github` app paths. */
  path: string;
  /** File content. */
  content: string;
}

/** The result of {@link renderTemplates}. */
export interface RenderedTemplates {
  /** The files, in a stable order. */
  files: RenderedTemplate[];
  /** Things the user should know (e.g. a profile filled from another stack). */
  warnings: string[];
}

/** Where `npm start` serves the gateway; the `development` profile talks to it. */
export const localGatewayUrl = "http://localhost:8000";

const appFiles = join(__dirname, "app");

function profileValues(stack: TemplateStack): ProfileValues {
  return {
    apiUrl: stack.gatewayUrl,
    posthogKey: stack.platform.posthog.projectKey,
    posthogHost: stack.platform.posthog.host,
  };
}

/** EAS profile each environment's builds use (the mobile-build workflow uses the same mapping). */
const profileOfEnvironment = { staging: "preview", production: "production" } as const;

/**
 * Renders every app template with the values of `stackName` (read from `Pulumi.<stackName>.yaml`
 * under `root`). In `eas.json` the stack fills its own environment's profile; the other
 * environment's profile comes from `Pulumi.<environment>.yaml` when that file exists; and
 * `development` is `preview` pointed at the local gateway.
 */
export function renderTemplates(root: string, stackName: string): RenderedTemplates {
  const stack = readTemplateStack(root, stackName);
  const warnings: string[] = [];
  const source = { stackName: stack.stackName, stackFile: stack.stackFile };
  const values = profileValues(stack);
  const profiles = {} as Record<EasProfile, ProfileValues>;
  for (const environment of ["staging", "production"] as const) {
    const profile = profileOfEnvironment[environment];
    if (environment === stack.platform.environment) {
      profiles[profile] = values;
    } else if (stackExists(root, environment)) {
      profiles[profile] = profileValues(readTemplateStack(root, environment));
    } else {
      profiles[profile] = values;
      warnings.push(
        `eas.json: profile "${profile}" uses ${stack.stackFile} because Pulumi.${environment}.yaml does not exist`,
      );
    }
  }
  // Development builds talk to the local gateway and report to the staging PostHog project, so
  // no developer event ever lands in production analytics.
  profiles.development = { ...profiles.preview, apiUrl: localGatewayUrl };
  const { webAppPath, mobileAppPath } = stack.platform.github;
  const copy = (from: string, to: string): RenderedTemplate => ({
    path: to,
    content: readFileSync(join(appFiles, from), "utf8"),
  });
  return {
    files: [
      { path: `${mobileAppPath}/eas.json`, content: renderEasJson(profiles) },
      {
        path: `${mobileAppPath}/.env.example`,
        content: renderEnvExample(mobileEnvironment(values), source),
      },
      copy("mobile/lib/analytics.ts.template", `${mobileAppPath}/lib/analytics.ts`),
      {
        path: `${webAppPath}/.env.example`,
        content: renderEnvExample(webEnvironment(values), source),
      },
      copy("web/lib/analytics.ts.template", `${webAppPath}/lib/analytics.ts`),
      {
        path: "supabase/config.toml",
        content: renderSupabaseConfig({
          projectRef: stack.platform.supabase.projectRef,
          verifyJwt: stack.platform.supabase.verifyJwt,
          source,
        }),
      },
    ],
    warnings,
  };
}
