/**
 * Helpers for testing Pulumi components under the SDK's mock runtime.
 *
 * Usage (one program per test file; vitest isolates files):
 *
 * ```ts
 * import { installRecordingMocks, promiseOf, isSecretOutput } from "../test/pulumi";
 * import { CacheStore } from "./cache-store";
 * const recorder = installRecordingMocks({ stack: "staging" }); // before any resource exists
 * let store: CacheStore;
 * beforeAll(async () => {
 *   store = new CacheStore("cache", { ... });
 *   await recorder.settled();
 * });
 * // in an it():
 * const database = recorder.named("upstash:index/redisDatabase:RedisDatabase", "cache-database");
 * expect(database.inputs.region).toBe("global");          // real values, secrets unwrapped
 * expect(database.secretInputs).toContain("...");          // which inputs arrived secret
 * expect(database.parent).toBe(await promiseOf(store.urn));
 * expect(await isSecretOutput(store.restToken)).toBe(true);
 * ```
 *
 * A module that registers resources when imported (the whole program, `infra/index.ts`) must
 * be loaded after `installRecordingMocks`: `await import("../infra")` inside `beforeAll`.
 *
 * - `installRecordingMocks` records every registration (type, name, parent URN, protect,
 *   provider, additionalSecretOutputs, inputs, secret inputs) and makes unmocked provider
 *   calls throw; `providerOutputs` fakes provider-computed state, `calls` answers invokes.
 * - `promiseOf` awaits an Output's value; never assert inside `.apply` (a failing assertion
 *   there is swallowed). Outputs must be known: keep `preview` off in tests.
 * - `setStackConfig` stands in for the engine's config (`PULUMI_CONFIG`), for code that calls
 *   `loadStackConfig()`; `committedStackConfig("staging")` reads a committed stack file the way
 *   the offline plan does, to start from realistic values.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { engineConfigFromStackFile, type EngineConfig } from "../../infra/plan/stack-config";

export {
  installRecordingMocks,
  type RecordedResource,
  type RecordingMockOptions,
  type ResourceRecorder,
  secretMarker,
  unknownMarker,
} from "../../infra/plan/recording-mocks";

/** Resolves with an Output's value (it must become known, i.e. not a preview unknown). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => {
    output.apply((value) => {
      resolve(value);
      return value;
    });
  });
}

/** True when the Output is a Pulumi secret. */
export function isSecretOutput<T>(output: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/**
 * Replaces the stack configuration the way the engine passes it: `namespace:key` to raw text
 * (structured values as JSON), plus the keys that are secret.
 */
export function setStackConfig(
  values: Record<string, string>,
  secretKeys: readonly string[] = [],
): void {
  pulumi.runtime.setAllConfig(values, [...secretKeys]);
}

/** A committed `Pulumi.<stack>.yaml` as the engine would pass it (values and secret keys). */
export function committedStackConfig(stackName: string): EngineConfig {
  const stackFile = `Pulumi.${stackName}.yaml`;
  const text = readFileSync(join(__dirname, "..", "..", stackFile), "utf8");
  return engineConfigFromStackFile(text, { stackFile, projectName: "ai-platform" });
}
