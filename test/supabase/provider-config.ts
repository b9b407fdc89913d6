import type * as pulumi from "@pulumi/pulumi";

/**
 * The stack config as a dynamic provider's `configure` receives it from `cmd/dynamic-provider`
 * (namespaced keys, secrets decrypted), for tests that call a provider in-process.
 * @param values - config values by namespaced key, e.g. `{ "platform:supabaseAccessToken": "sbp_x" }`.
 */
export function providerConfig(values: Record<string, string>): pulumi.dynamic.Config {
  return {
    get: (key: string) => values[key],
    require(key: string) {
      const value = values[key];
      if (value === undefined) throw new Error(`Missing required configuration key: ${key}`);
      return value;
    },
  };
}
