import { defaultWorkflowSettings, type WorkflowSettings } from "../settings";
import type { Workflow } from "../workflow";
import { ciWorkflow } from "./ci";
import { infraWorkflow } from "./infra";
import { mobileBuildWorkflow } from "./mobile-build";
import { rollbackWorkflow } from "./rollback";
import { uptimeWorkflow } from "./uptime";
import { webDeployWorkflow } from "./web-deploy";

/** Every workflow, built for `settings`. */
export function allWorkflows(settings: WorkflowSettings = defaultWorkflowSettings): Workflow[] {
  return [
    ciWorkflow(settings),
    webDeployWorkflow(settings),
    mobileBuildWorkflow(settings),
    infraWorkflow(settings),
    uptimeWorkflow(settings),
    rollbackWorkflow(settings),
  ];
}
