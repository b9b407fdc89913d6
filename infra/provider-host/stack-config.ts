// The config the engine hands the dynamic provider host in Configure: every key of the stack, with
// its namespace, each value as `config.Value.Value` gives it (a string; structured values as JSON),
// secrets marked secret (pkg/resource/deploy/target.go `GetPackageConfig`: "For dynamic providers,
// we always pass the full configuration", `WithSecret(c.Secure())`). The committed stack files hold
// no `secure:` values, so the secrets (infra/secret-keys.ts) come from the caller.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { readProjectFile } from "../plan/project-file";
import { engineConfigFromStackFile } from "../plan/stack-config";
import { secretKeys } from "../secret-keys";
import { secretValue, type PropertyMap } from "./property-values";

/** The config of one stack, in the two shapes Configure carries it. */
export interface ProviderStackConfig {
  /** `args`: values by namespaced key, secrets wrapped. */
  args: PropertyMap;
  /** The deprecated `variables`: `<pkg>:config:<key>`, plaintext strings. */
  variables: Record<string, string>;
}

/** The package of the dynamic provider's default provider (`pulumi:providers:pulumi-nodejs`). */
export const dynamicProviderPackage = "pulumi-nodejs";

/**
 * Reads `Pulumi.<stack>.yaml` and adds the secrets.
 * @param projectDirectory - the folder of the stack files.
 * @param stack - the stack name, e.g. `staging`.
 * @param secrets - plaintext by namespaced key; every key of infra/secret-keys.ts must be given.
 */
export function providerStackConfig(
  projectDirectory: string,
  stack: string,
  secrets: Record<string, string>,
): ProviderStackConfig {
  const file = path.join(projectDirectory, `Pulumi.${stack}.yaml`);
  // The stack file read as the plan reads it for the program (infra/plan/stack-config.ts).
  const stackConfig = engineConfigFromStackFile(readFileSync(file, "utf8"), {
    stackFile: file,
    projectName: readProjectFile(projectDirectory).name,
  });
  const [secureKey] = stackConfig.secretKeys;
  if (secureKey !== undefined) {
    throw new Error(
      `${file}: ${secureKey} is a \`secure:\` value; pass its plaintext as a secret instead`,
    );
  }
  const args: PropertyMap = {};
  const variables: Record<string, string> = {};
  for (const [key, text] of Object.entries(stackConfig.values)) {
    args[key] = text;
    variables[`${dynamicProviderPackage}:config:${key}`] = text;
  }
  for (const { key } of secretKeys) {
    const value = secrets[key];
    if (value === undefined) throw new Error(`no value for the secret ${key} of stack ${stack}`);
    args[key] = secretValue(value);
    variables[`${dynamicProviderPackage}:config:${key}`] = value;
  }
  return { args, variables };
}

/**
 * Stand-in plaintexts for every secret key, with the Supabase token given: the dynamic providers
 * read only that one, but the engine sends them all.
 * @param supabaseAccessToken - the token the loopback Management API accepts.
 */
export function placeholderSecrets(supabaseAccessToken: string): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const { key } of secretKeys)
    secrets[key] = `placeholder-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
  secrets["platform:supabaseAccessToken"] = supabaseAccessToken;
  return secrets;
}
