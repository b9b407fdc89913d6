import { formatConfigIssue, StackConfigError } from "./config-errors";
import { grafanaAuthKey, grafanaAuthProblem } from "./config-observability-schema";
import { platformConfigSchema, type PlatformConfig } from "./config-schema";
import { stackRuleIssues } from "./provider-rules-stack";
import { isOptionalSecret, secretKeys, secretSetCommand, type SecretKey } from "./secret-keys";

/** What the Pulumi engine hands the program: every config key with its raw string value. */
export interface RawStackConfig {
  /** The stack name. @example "staging" */
  stackName: string;
  /** `namespace:key` to value; structured values arrive as JSON text, as in `PULUMI_CONFIG`. */
  values: Readonly<Record<string, string>>;
  /** The keys the engine marked secret (`PULUMI_CONFIG_SECRET_KEYS`). */
  secretKeys: readonly string[];
}

/** The result of checking a raw stack configuration, before any secret is read. */
export interface ParsedStackConfig {
  /** The validated `platform` namespace. */
  platform: PlatformConfig;
  /** Secret keys with no value: placeholders in the offline plan, errors in a deployment. */
  missingSecrets: SecretKey[];
}

/** The stack file a stack's values live in. @example stackFileName("staging") === "Pulumi.staging.yaml" */
export function stackFileName(stackName: string): string {
  return `Pulumi.${stackName}.yaml`;
}

const secretKeySet = new Set<string>(secretKeys.map((secret) => secret.key));

/** Structured values arrive as JSON text; plain strings (`staging`) do not parse and stay text. */
function decodeValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The `platform` namespace without its secrets, keyed without the prefix. */
export function platformValues(values: Readonly<Record<string, string>>): Record<string, unknown> {
  const platform: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (key.startsWith("platform:") && !secretKeySet.has(key)) {
      platform[key.slice("platform:".length)] = decodeValue(raw);
    }
  }
  return platform;
}

/**
 * Validates a stack configuration. Throws one {@link StackConfigError} listing every problem;
 * missing secrets are problems unless `allowMissingSecrets` (the offline plan) says otherwise.
 */
export function parseStackConfig(
  raw: RawStackConfig,
  options: { allowMissingSecrets: boolean },
): ParsedStackConfig {
  const stackFile = stackFileName(raw.stackName);
  const input = platformValues(raw.values);
  const result = platformConfigSchema.safeParse(input);
  const issues = result.success ? stackRuleIssues(result.data) : result.error.issues;
  const problems = issues.flatMap((issue) => formatConfigIssue(issue, { stackFile, input }));

  const markedSecret = new Set(raw.secretKeys);
  const missingSecrets: SecretKey[] = [];
  for (const secret of secretKeys) {
    const { key } = secret;
    if (raw.values[key] === undefined) {
      missingSecrets.push(key);
      if (!options.allowMissingSecrets && !isOptionalSecret(secret)) {
        problems.push(
          `${stackFile}: ${key} is not set; run: ${secretSetCommand(key, raw.stackName)}`,
        );
      }
    } else if (!markedSecret.has(key)) {
      problems.push(
        `${stackFile}: ${key} is stored in plain text; remove it and run: ${secretSetCommand(key, raw.stackName)}`,
      );
    }
  }
  const grafanaProblem = options.allowMissingSecrets
    ? undefined
    : grafanaAuthProblem(result.data?.observability, raw.values[grafanaAuthKey] !== undefined, {
        stackFile,
        setCommand: secretSetCommand(grafanaAuthKey, raw.stackName),
      });
  if (grafanaProblem !== undefined) problems.push(grafanaProblem);
  if (problems.length > 0 || !result.success) {
    throw new StackConfigError(problems);
  }
  return { platform: result.data, missingSecrets };
}
