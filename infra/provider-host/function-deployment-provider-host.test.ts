import { functionDeploymentKind } from "./resource-kinds";
import { describeProviderHostScenarios } from "./scenario-suite";

describeProviderHostScenarios({ kinds: [functionDeploymentKind], rotation: false });
