import { parse } from "yaml";

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
 * Converts a `Pulumi.<stack>.yaml` text into what the engine would pass the program: every
 * value under `config:` keyed `namespace:key`, structured values serialized as JSON, `secure:`
 * values as secret placeholders.
 */
export function engineConfigFromStackFile(
  text: string,
  options: EngineConfigOptions,
): EngineConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${options.stackFile}: not valid YAML (${(error as Error).message})`, {
      cause: error,
    });
  }
  const config = isRecord(document) ? document["config"] : undefined;
  if (config !== undefined && config !== null && !isRecord(config)) {
    throw new Error(`${options.stackFile}: config must be a map of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${options.projectName}:${rawKey}`;
    if (isRecord(value) && Object.keys(value).length === 1 && "secure" in value) {
      values[key] = encryptedValuePlaceholder;
      secretKeys.push(key);
    } else if (typeof value === "string") {
      values[key] = value;
    } else {
      values[key] = JSON.stringify(value);
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
