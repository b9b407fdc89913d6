import { beforeAll } from "vitest";
import { migrationsKind } from "./resource-kinds";
import { describeProviderHostScenarios } from "./scenario-suite";

const fixture = describeProviderHostScenarios({ kinds: [migrationsKind], rotation: false });

// PGlite takes seconds to start on a busy machine: start the project's database before the checks.
beforeAll(async () => {
  const current = fixture();
  await current.server.database(current.projectRefs.current);
});
