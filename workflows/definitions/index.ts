import { defaultWorkflowSettings, type WorkflowSettings } from "../settings";
import type { Workflow } from "../workflow";
import { functionsDeployWorkflow } from "./functions-deploy";
import { infraWorkflow } from "./infra";
import { mobileBuildWorkflow } from "./mobile-build";
import { rollbackWorkflow } from "./rollback";
import { uptimeWorkflow } from "./uptime";
import { webDeployWorkflow } from "./web-deploy";

/** Every workflow, built for `settings`. */
export function allWorkflows(settings: WorkflowSettings = defaultWorkflowSettings): Workflow[] {
  return [
    webDeployWorkflow(settings),
    mobileBuildWorkflow(settings),
    functionsDeployWorkflow(settings),
    infraWorkflow(settings),
    uptimeWorkflow(settings),
    rollbackWorkflow(settings),
  ];
}
