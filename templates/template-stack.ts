import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseStackConfig, stackFileName } from "../infra/config-parse";
import type { PlatformConfig } from "../infra/config-schema";
import { gatewayUrl } from "../infra/endpoints";
import { engineConfigFromStackFile } from "../infra/plan/engine-config";

/** What the templates need from one stack, read from its stack file without the Pulumi runtime. */
export interface TemplateStack {
  /** The stack name. @example "staging" */
  stackName: string;
  /** The stack file the values came from. @example "Pulumi.staging.yaml" */
  stackFile: string;
  /** The validated `platform` namespace. */
  platform: PlatformConfig;
  /** The LLM gateway's public URL (the apps' API URL). */
  gatewayUrl: string;
}

function projectName(root: string): string {
  const document = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof document?.name !== "string") throw new Error("Pulumi.yaml: name must be set");
  return document.name;
}

/** Whether `Pulumi.<stackName>.yaml` exists under `root`. */
export function stackExists(root: string, stackName: string): boolean {
  return existsSync(join(root, stackFileName(stackName)));
}

/**
 * Reads and validates `Pulumi.<stackName>.yaml` with the program's own schema; secrets are
 * neither needed nor read. Throws naming the file and key of every invalid value.
 */
export function readTemplateStack(root: string, stackName: string): TemplateStack {
  const stackFile = stackFileName(stackName);
  if (!stackExists(root, stackName)) {
    throw new Error(`--stack ${stackName}: ${stackFile} does not exist in ${root}`);
  }
  const engineConfig = engineConfigFromStackFile(readFileSync(join(root, stackFile), "utf8"), {
    stackFile,
    projectName: projectName(root),
  });
  const { platform } = parseStackConfig(
    { stackName, ...engineConfig },
    { allowMissingSecrets: true },
  );
  return { stackName, stackFile, platform, gatewayUrl: gatewayUrl(platform.supabase.projectRef) };
}
