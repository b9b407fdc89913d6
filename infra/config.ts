import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { isStackConfigError } from "./config-errors";
import { parseStackConfig, stackFileName } from "./config-parse";
import type { PlatformConfig } from "./config-schema";
import { gatewayUrl } from "./endpoints";
import { secretKeys, type SecretKey, type SecretName } from "./secret-keys";

export { platformConfigSchema, type PlatformConfig, type LlmRoute } from "./config-schema";
export { formatConfigIssue, isStackConfigError, StackConfigError } from "./config-errors";
export { parseStackConfig, stackFileName, type RawStackConfig } from "./config-parse";
export { secretKeys, secretSetCommand, type SecretKey, type SecretName } from "./secret-keys";

/** The validated configuration of the running stack: what every component is built from. */
export interface StackConfig extends PlatformConfig {
  /** The stack being deployed. @example "staging" */
  stackName: string;
  /** The file its values came from. @example "Pulumi.staging.yaml" */
  stackFile: string;
  /** The LLM gateway's public URL, derived from `platform:supabase.projectRef`. */
  gatewayUrl: string;
  /** Every secret as a Pulumi secret; placeholder secrets for the ones `missingSecrets` lists. */
  secrets: Readonly<Record<SecretName, pulumi.Output<string>>>;
  /** Secret keys not set on this stack (only ever non-empty in the offline plan). */
  missingSecrets: readonly SecretKey[];
}

/** Options of {@link loadStackConfig}. */
export interface LoadStackConfigOptions {
  /**
   * Replace missing secrets with placeholder secrets instead of failing.
   * @default true under the SDK's mock runtime (the offline plan, tests), false otherwise
   */
  allowMissingSecrets?: boolean;
}

/** Stands in for a secret the offline plan does not have; it is a secret, so it never prints. */
export const missingSecretPlaceholder = "secret-not-set";

/** True under `pulumi.runtime.setMocks` (the offline plan and component tests). */
export function isMockRuntime(): boolean {
  return pulumi.runtime.getMonitor() instanceof MockMonitor;
}

// The SDK exports this at run time but leaves it out of its typings (marked internal); it is
// the only way to see which keys the engine passed in PULUMI_CONFIG_SECRET_KEYS.
const { isConfigSecret } = runtimeConfig as unknown as { isConfigSecret(key: string): boolean };

/**
 * Reads and validates the whole stack configuration once. Throws before any resource exists
 * when a value is invalid, naming the stack file and key, or when a secret is missing, naming
 * the `pulumi config set --secret` line to run.
 */
export function loadStackConfig(options: LoadStackConfigOptions = {}): StackConfig {
  const stackName = pulumi.getStack();
  const values = pulumi.runtime.allConfig();
  const allowMissingSecrets = options.allowMissingSecrets ?? isMockRuntime();
  let parsed: ReturnType<typeof parseStackConfig>;
  try {
    parsed = parseStackConfig(
      { stackName, values, secretKeys: Object.keys(values).filter((key) => isConfigSecret(key)) },
      { allowMissingSecrets },
    );
  } catch (error) {
    // RunError makes the Pulumi CLI print the message without a stack trace.
    throw isStackConfigError(error) ? new pulumi.RunError(error.message) : error;
  }
  const missing = new Set<string>(parsed.missingSecrets);
  const secrets = Object.fromEntries(
    secretKeys.map(({ name, key }) => {
      const [namespace, configName] = key.split(":") as [string, string];
      const value = missing.has(key)
        ? pulumi.secret(missingSecretPlaceholder)
        : new pulumi.Config(namespace).requireSecret(configName);
      return [name, value];
    }),
  ) as Record<SecretName, pulumi.Output<string>>;
  return {
    ...parsed.platform,
    stackName,
    stackFile: stackFileName(stackName),
    gatewayUrl: gatewayUrl(parsed.platform.supabase.projectRef),
    secrets,
    missingSecrets: parsed.missingSecrets,
  };
}
