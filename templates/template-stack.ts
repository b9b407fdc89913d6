import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { formatConfigIssue, StackConfigError } from "../infra/config-errors";
import { stackFileName } from "../infra/config-parse";
import { platformConfigSchema, type PlatformConfig } from "../infra/config-schema";
import { gatewayUrl } from "../infra/endpoints";
import { secretKeys } from "../infra/secret-keys";

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

const secretKeySet = new Set<string>(secretKeys.map((secret) => secret.key));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The non-secret `platform:` values of a stack file, keyed without the prefix. */
function platformValues(text: string, stackFile: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${stackFile}: not valid YAML (${(error as Error).message})`, { cause: error });
  }
  const config = isRecord(document) && isRecord(document["config"]) ? document["config"] : {};
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith("platform:") && !secretKeySet.has(key))
      .map(([key, value]) => [key.slice("platform:".length), value]),
  );
}

/** Whether `Pulumi.<stackName>.yaml` exists under `root`. */
export function stackExists(root: string, stackName: string): boolean {
  return existsSync(join(root, stackFileName(stackName)));
}

/**
 * Reads `Pulumi.<stackName>.yaml` and validates it with the program's own zod schema; secrets
 * are neither needed nor read. Throws naming the file and key of every invalid value.
 */
export function readTemplateStack(root: string, stackName: string): TemplateStack {
  const stackFile = stackFileName(stackName);
  if (!stackExists(root, stackName)) {
    throw new Error(`--stack ${stackName}: ${stackFile} does not exist in ${root}`);
  }
  const input = platformValues(readFileSync(join(root, stackFile), "utf8"), stackFile);
  const result = platformConfigSchema.safeParse(input);
  if (!result.success) {
    throw new StackConfigError(
      result.error.issues.flatMap((issue) => formatConfigIssue(issue, { stackFile, input })),
    );
  }
  return {
    stackName,
    stackFile,
    platform: result.data,
    gatewayUrl: gatewayUrl(result.data.supabase.projectRef),
  };
}
