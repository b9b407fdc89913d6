/**
 * A mistake in how the plan was called or in the files it reads (unknown stack, bad YAML): the
 * message says everything, so no stack trace is printed.
 */
export class PlanUsageError extends Error {
  override readonly name = "PlanUsageError";
}
