import type { PinnedAction } from "./pinned-actions";

/** Values of a step's `with:` block. */
export type StepInputs = Record<string, string | number | boolean>;

/** Fields every step kind shares. */
interface StepBase {
  /** Shown in the run log; every step has one so logs read as a checklist. */
  name: string;
  /** Lets later steps read this step's outputs (`steps.<id>.outputs.*`). */
  id?: string;
  /** A GitHub expression deciding whether the step runs. @example "failure()" */
  if?: string;
  /**
   * Environment of the step. Values from `${{ }}` expressions belong here, never inside `run:`,
   * so that shell code never contains untrusted text.
   */
  env?: Record<string, string>;
}

/** A step that runs a bash script. */
export interface RunStep extends StepBase {
  /** The bash script; read values from `env`, not from `${{ }}` expressions. */
  run: string;
  /** Folder the script runs in, relative to the workspace. @default the workspace root */
  workingDirectory?: string;
}

/** A step that runs an action from the pinned table. */
export interface UsesStep extends StepBase {
  /** The action, always an entry of `pinnedActions`. */
  uses: PinnedAction;
  /** The action's inputs. */
  with?: StepInputs;
}

export type Step = RunStep | UsesStep;

/** Options of {@link runStep}. */
export type RunStepOptions = Omit<RunStep, "name" | "run">;

/** Options of {@link usesStep}. */
export type UsesStepOptions = Omit<UsesStep, "name" | "uses">;

/** A step that runs `script` with bash. */
export function runStep(name: string, script: string, options: RunStepOptions = {}): RunStep {
  return { name, ...options, run: script };
}

/** A step that runs a pinned action. */
export function usesStep(
  name: string,
  action: PinnedAction,
  options: UsesStepOptions = {},
): UsesStep {
  return { name, ...options, uses: action };
}

export function isUsesStep(step: Step): step is UsesStep {
  return "uses" in step;
}
