/**
 * Rules the providers' APIs enforce at `pulumi up` time but the SDK's mocks (and so the offline
 * plan) accept. Checking them while the stack config is validated turns a half-applied
 * deployment into an error that names the stack file and key before anything is registered.
 * docs/provider-rules.md lists every rule with its source, including the ones only a real
 * account can check.
 *
 * Each `...Problem` function returns `undefined` for a valid value, or the end of the sentence
 * "`platform:<key>` ...", as the messages of config-schema.ts do.
 */
import type { z } from "zod";
import { sensitiveVariableTargets, sensitiveWebAppVariableKeys } from "./web-app-environment";

/** GitHub: an environment takes at most 6 required reviewers, users and teams together. */
export const githubReviewerLimit = 6;

/** Cloudflare: a Worker name is a workers.dev subdomain label, so at most 63 characters. */
export const cloudflareWorkerNameMaxLength = 63;

/** Cloudflare: `workers-kv_namespace_title.maxLength` in the API schema. */
export const cloudflareKvNamespaceTitleMaxLength = 512;

/** Cloudflare: a KV key name is at most 512 bytes (UTF-8). */
export const cloudflareKvKeyMaxBytes = 512;

/** Cloudflare: a KV value is at most 25 MiB. */
export const cloudflareKvValueMaxBytes = 25 * 1024 * 1024;

/** Vercel: a project name is at most 100 characters. */
export const vercelProjectNameMaxLength = 100;

/** GitHub: a user or organization login is at most 39 characters. */
export const githubOwnerMaxLength = 39;

/** GitHub: a repository name is at most 100 characters. */
export const githubRepositoryMaxLength = 100;

/** Vercel: names its function runtimes reserve, which a project variable cannot use. */
export const vercelReservedVariableNames: readonly string[] = [
  "AWS_SECRET_KEY",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "NOW_REGION",
  "TZ",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

/** Indexes of the entries that repeat an earlier entry of `values`. */
export function repeatedIndexes(values: readonly unknown[]): number[] {
  return values.flatMap((value, index) => (values.indexOf(value) < index ? [index] : []));
}

/**
 * Adapts a `...Problem` function to zod's `superRefine`, so one function both documents a rule
 * and enforces it in the schema.
 */
export function refineWith<Value>(
  problemOf: (value: Value) => string | undefined,
): (value: Value, context: z.core.$RefinementCtx<Value>) => void {
  return (value, context) => {
    const problem = problemOf(value);
    if (problem !== undefined) {
      context.addIssue({ code: "custom", message: problem, input: value });
    }
  };
}

/** Reports each repeated entry of a list at its own index. */
export function refineUnique(
  what: string,
): (values: readonly unknown[], context: z.core.$RefinementCtx<readonly unknown[]>) => void {
  return (values, context) => {
    for (const index of repeatedIndexes(values)) {
      context.addIssue({
        code: "custom",
        message: `repeats a ${what} listed before it`,
        path: [index],
        input: values[index],
      });
    }
  };
}

/**
 * Cloudflare Worker name: lowercase letters, digits and dashes, not starting or ending with a
 * dash, at most 63 characters (the workers.dev subdomain label).
 */
export function cloudflareWorkerNameProblem(name: string): string | undefined {
  if (name.length > cloudflareWorkerNameMaxLength) {
    return `must be at most ${cloudflareWorkerNameMaxLength} characters (a workers.dev subdomain label)`;
  }
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name)) {
    return "must be lowercase letters, digits and dashes, and not start or end with a dash";
  }
  return undefined;
}

/**
 * Cloudflare route pattern (developers.cloudflare.com/workers/configuration/routing/routes,
 * "Validity"): no query string, `*` only at the start of the hostname or the end of the path.
 * A scheme is valid for Cloudflare but not here: the definitions URL is derived as
 * `https://<pattern>` (infra/endpoints.ts).
 */
export function cloudflareRoutePatternProblem(pattern: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(pattern)) {
    return "must not begin with a scheme (write host/path; the Worker is served over https)";
  }
  if (pattern.includes("?")) {
    return "must not contain a query string (Cloudflare route patterns cannot)";
  }
  const slash = pattern.indexOf("/");
  const host = slash === -1 ? pattern : pattern.slice(0, slash);
  const path = slash === -1 ? "" : pattern.slice(slash);
  if (host.slice(1).includes("*") || path.slice(0, -1).includes("*")) {
    return "must put * only at the start of the hostname or the end of the path (Cloudflare rejects infix wildcards)";
  }
  return undefined;
}

/**
 * Cloudflare KV key name: at most 512 bytes, printable non-whitespace characters only (the
 * `keyName` doc of `cloudflare.WorkersKv`).
 */
export function cloudflareKvKeyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > cloudflareKvKeyMaxBytes) {
    return `must be at most ${cloudflareKvKeyMaxBytes} bytes as a KV key name, got ${bytes} bytes`;
  }
  if (!/^[^\s\p{Cc}]+$/u.test(key)) {
    return "must be printable characters without whitespace as a KV key name";
  }
  return undefined;
}

/**
 * Vercel project name: lowercase letters, digits, `.`, `_` and `-`, at most 100 characters,
 * never containing `---` (Vercel's create-project validation message).
 */
export function vercelProjectNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > vercelProjectNameMaxLength) {
    return `must be 1 to ${vercelProjectNameMaxLength} characters`;
  }
  if (!/^[a-z0-9._-]+$/.test(name)) {
    return "must be lowercase letters, digits, dots, dashes and underscores";
  }
  if (name.includes("---")) {
    return 'must not contain "---" (Vercel reserves it)';
  }
  return undefined;
}

/**
 * Vercel environment variable key: letters, digits and underscores, not starting with a digit,
 * and not a name Vercel's function runtimes reserve.
 */
export function vercelVariableKeyProblem(key: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return "must be letters, digits and underscores, not starting with a digit";
  }
  if (vercelReservedVariableNames.includes(key)) {
    return "must not be a name Vercel reserves for its function runtimes";
  }
  return undefined;
}

/**
 * GitHub user or organization login: letters, digits and single dashes, not starting or ending
 * with a dash, at most 39 characters.
 */
export function githubOwnerProblem(owner: string): string | undefined {
  if (owner.length === 0 || owner.length > githubOwnerMaxLength) {
    return `must be a GitHub user or organization (1 to ${githubOwnerMaxLength} characters)`;
  }
  if (!/^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/.test(owner)) {
    return "must be a GitHub user or organization: letters, digits and single dashes, not at either end";
  }
  return undefined;
}

/** GitHub repository name: letters, digits, `.`, `_` and `-`, at most 100, not `.` or `..`. */
export function githubRepositoryProblem(repository: string): string | undefined {
  if (repository.length === 0 || repository.length > githubRepositoryMaxLength) {
    return `must be a GitHub repository name (1 to ${githubRepositoryMaxLength} characters)`;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(repository) || repository === "." || repository === "..") {
    return 'must be a GitHub repository name: letters, digits, ".", "_" and "-"';
  }
  return undefined;
}

/** `owner/name` of a GitHub repository, each part by the rules above. */
export function githubRepositoryPathProblem(path: string): string | undefined {
  const parts = path.split("/");
  if (parts.length !== 2) {
    return "must be a GitHub repository as owner/name";
  }
  const [owner, name] = parts as [string, string];
  const ownerProblem = githubOwnerProblem(owner);
  if (ownerProblem !== undefined) {
    return `must be a GitHub repository as owner/name; its owner ${ownerProblem.replace(/^must be /, "is not ")}`;
  }
  const nameProblem = githubRepositoryProblem(name);
  if (nameProblem !== undefined) {
    return `must be a GitHub repository as owner/name; its name ${nameProblem.replace(/^must be /, "is not ")}`;
  }
  return undefined;
}

/**
 * A branch name git accepts (`git check-ref-format --branch`): no spaces, control characters,
 * `~ ^ : ? * [ \`, `..` or `@{`; no component starting with `.` or ending with `.lock`; not
 * starting with `-` or `/`, not ending with `/` or `.`.
 */
export function gitBranchProblem(branch: string): string | undefined {
  const invalid =
    branch.length === 0 ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(branch) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch === "@" ||
    /^[-/]|[/.]$|\/\/|(^|\/)\.|\.lock(\/|$)/.test(branch);
  return invalid
    ? "must be a branch name git accepts (no spaces, ~ ^ : ? * [ \\, '..', '@{', or a part starting with '.' or ending with '.lock')"
    : undefined;
}

/**
 * GitHub Actions secret or variable name: letters, digits and underscores, not starting with a
 * digit or with `GITHUB_` (any case).
 */
export function githubActionsNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return "must be letters, digits and underscores, not starting with a digit";
  }
  if (/^GITHUB_/i.test(name)) {
    return "must not start with GITHUB_ (GitHub reserves the prefix)";
  }
  return undefined;
}

/**
 * Vercel targets of the web app's variables: its sensitive ones cannot target only
 * `development` (Vercel rejects it; sensitive values never reach `vercel dev`).
 */
export function vercelSensitiveTargetsProblem(targets: readonly string[]): string | undefined {
  if (sensitiveVariableTargets(targets).length > 0) {
    return undefined;
  }
  return `must name preview or production: ${sensitiveWebAppVariableKeys.join(" and ")} are sensitive, and Vercel rejects sensitive variables that target only development`;
}
