import type { z } from "zod";

/** Where a config issue was found, so the message can point the user at the file to edit. */
export interface ConfigIssueContext {
  /** The stack file the values came from. @example "Pulumi.staging.yaml" */
  stackFile: string;
  /** The `platform` namespace as parsed, keyed without the `platform:` prefix. */
  input: unknown;
}

/** A stack configuration the program refuses to run with; `message` lists every problem. */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  /** Marker that survives module duplication, unlike `instanceof`. */
  readonly isStackConfigError = true;

  constructor(
    /** One line per problem, each naming the stack file and the key. */
    readonly problems: readonly string[],
  ) {
    super(problems.join("\n"));
  }
}

/** True when `value` is a {@link StackConfigError}, even from another copy of this module. */
export function isStackConfigError(value: unknown): value is StackConfigError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { isStackConfigError?: unknown }).isStackConfigError === true
  );
}

/** Renders a key path the way users write it: `platform:llm.routes.fast[0].model`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let rendered = "platform:";
  path.forEach((segment, index) => {
    if (typeof segment === "number") {
      rendered += `[${segment}]`;
    } else {
      rendered += index === 0 ? String(segment) : `.${String(segment)}`;
    }
  });
  return rendered;
}

/** Renders a received value: scalars in quotes (as typed in YAML), structures as JSON. */
export function formatReceived(value: unknown): string {
  if (value === null || typeof value === "object") {
    return JSON.stringify(value);
  }
  return `"${String(value)}"`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * Keys a fork may still have from an earlier version of this template, with what replaced them,
 * so the error says what to write instead of only "not a known key".
 */
export const replacedKeys: Readonly<Record<string, string>> = {
  "platform:github.productionReviewerIds":
    "was replaced by platform:github.productionReviewers: { users: [numeric user ids], teams: [numeric team ids] } (GitHub keeps user and team ids apart)",
};

/**
 * Turns one zod issue into lines such as
 * `Pulumi.staging.yaml: platform:budget.dailyUsd must be a positive number, got "-3"`.
 * An unknown key yields one line per key, so a typo is named exactly.
 */
export function formatConfigIssue(issue: z.core.$ZodIssue, context: ConfigIssueContext): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const keyPath = formatKeyPath([...issue.path, key]);
      const replacement = replacedKeys[keyPath] ?? "is not a known key (check its spelling)";
      return `${context.stackFile}: ${keyPath} ${replacement}`;
    });
  }
  const keyPath = formatKeyPath(issue.path);
  const received = valueAt(context.input, issue.path);
  if (received === undefined) {
    return [`${context.stackFile}: ${keyPath} is missing; it ${issue.message}`];
  }
  return [`${context.stackFile}: ${keyPath} ${issue.message}, got ${formatReceived(received)}`];
}
