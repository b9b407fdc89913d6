// Rotation needs a second host configured with the new token, as the next `pulumi refresh` or
// `pulumi destroy` would start one; both resource types share the two hosts.
import { resourceKinds } from "./resource-kinds";
import { describeProviderHostScenarios } from "./scenario-suite";

describeProviderHostScenarios({ kinds: resourceKinds, rotation: true });
