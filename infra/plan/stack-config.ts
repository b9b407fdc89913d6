// Converts a Pulumi.<stack>.yaml into the config the engine sends the language host in its
// RunRequest: every key as `namespace:key`, structured values as JSON text, and the secret keys.
import { parse } from "yaml";
import { PlanUsageError } from "./plan-usage-error";

/** Config as the Pulumi engine hands it to a program (`PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`). */
export interface EngineConfig {
  /** `namespace:key` to value; structured values as JSON text, scalars as their text. */
  values: Record<string, string>;
  /** Keys whose values are secret. */
  secretKeys: string[];
}

/** Options of {@link engineConfigFromStackFile}. */
export interface EngineConfigOptions {
  /** The stack file's name, for error messages. @example "Pulumi.staging.yaml" */
  stackFile: string;
  /** The project name (`name:` in Pulumi.yaml): keys without a namespace belong to it. */
  projectName: string;
  /**
   * Secret values to add as if set with `pulumi config set --secret` (tests use this to prove
   * plaintext never reaches the output).
   * @default {}
   */
  secretOverrides?: Readonly<Record<string, string>>;
}

/**
 * Stands in for a `secure:` value: the offline plan has no key to decrypt it with, and the
 * value is a secret, so it is never shown anyway.
 */
export const encryptedValuePlaceholder = "encrypted-value-not-decrypted";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a `Pulumi.<stack>.yaml` text: every value under `config:` keyed `namespace:key`,
 * structured values serialized as JSON, `secure:` values as secret placeholders.
 */
export function engineConfigFromStackFile(
  text: string,
  options: EngineConfigOptions,
): EngineConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlanUsageError(`${options.stackFile}: not valid YAML (${reason})`, { cause: error });
  }
  const config = isRecord(document) ? document["config"] : undefined;
  if (config !== undefined && config !== null && !isRecord(config)) {
    throw new PlanUsageError(`${options.stackFile}: config must be a map of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${options.projectName}:${rawKey}`;
    if (isRecord(value) && Object.keys(value).length === 1 && "secure" in value) {
      values[key] = encryptedValuePlaceholder;
      secretKeys.push(key);
    } else {
      values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  for (const [key, value] of Object.entries(options.secretOverrides ?? {})) {
    values[key] = value;
    if (!secretKeys.includes(key)) {
      secretKeys.push(key);
    }
  }
  return { values, secretKeys };
}

/**
 * `PULUMI_CONFIG` as the language host writes it (constructConfig): each `namespace:key`
 * becomes `namespace:config:key`, the format every SDK version reads.
 */
export function languageHostConfig(values: Readonly<Record<string, string>>): string {
  const transformed: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const separator = key.indexOf(":");
    transformed[`${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
  }
  return JSON.stringify(transformed);
}
