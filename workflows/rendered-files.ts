import { allWorkflows } from "./definitions";
import { renderWorkflow } from "./render";
import { defaultWorkflowSettings, type WorkflowSettings } from "./settings";

/** One rendered workflow file. */
export interface RenderedFile {
  /** Path from the repository root. @example ".github/workflows/web-deploy.yml" */
  path: string;
  /** The YAML, header included. */
  content: string;
}

/** Folder GitHub reads workflows from. */
export const workflowsFolder = ".github/workflows";

/** Every workflow rendered for `settings`, in a stable order. */
export function renderWorkflowFiles(
  settings: WorkflowSettings = defaultWorkflowSettings,
): RenderedFile[] {
  return allWorkflows(settings).map((workflow) => ({
    path: `${workflowsFolder}/${workflow.fileName}`,
    content: renderWorkflow(workflow),
  }));
}
