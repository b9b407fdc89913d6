// Turns the shared checks into vitest cases: one `it` per check, against one fixture per file.
import { afterAll, beforeAll, describe, it } from "vitest";
import { startProviderHostFixture, type ProviderHostFixture } from "./fixture";
import type { ResourceKind } from "./resource-kinds";
import { scenarios } from "./scenarios";

/** Options of {@link describeProviderHostScenarios}. */
export interface ScenarioSuiteOptions {
  /** The resource types to check. */
  kinds: readonly ResourceKind[];
  /** Run the token-rotation checks (which start a second host) instead of the others. */
  rotation: boolean;
}

/**
 * Declares one `describe` per resource type with one `it` per check, sharing one fixture.
 * @param options - see {@link ScenarioSuiteOptions}.
 * @returns a getter for the fixture, for extra cases in the same file.
 */
export function describeProviderHostScenarios(
  options: ScenarioSuiteOptions,
): () => ProviderHostFixture {
  let fixture: ProviderHostFixture | undefined;
  beforeAll(async () => {
    fixture = await startProviderHostFixture();
  });
  afterAll(async () => {
    await fixture?.stop();
  });
  const current = () => {
    if (!fixture) throw new Error("the provider-host fixture did not start");
    return fixture;
  };
  for (const kind of options.kinds) {
    describe(`${kind.label} through the dynamic provider host`, () => {
      for (const scenario of scenarios.filter((each) => each.rotation === options.rotation)) {
        it(scenario.title, () => scenario.run(current(), kind));
      }
    });
  }
  return current;
}
