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

/** Stands in for a `secure:` value the offline plan cannot decrypt. */
export declare const encryptedValuePlaceholder: string;

/**
 * Converts a `Pulumi.<stack>.yaml` text into what the engine would pass the program: every
 * value under `config:` keyed `namespace:key`, structured values serialized as JSON, `secure:`
 * values as secret placeholders.
 */
export declare function engineConfigFromStackFile(
  text: string,
  options: EngineConfigOptions,
): EngineConfig;
