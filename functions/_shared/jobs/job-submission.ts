// Turns the body of `POST /v1/jobs` into a JobSubmission, or says exactly what is wrong with it
// (the path of the offending field, as OpenAI's error `param` does). Two forms:
//   a chat request:   { "model": "...", "messages": [...], ...parameters, "webhook"?: {...} }
//   ordered steps:    { "steps": [{ "model": "...", "messages": [...] }, ...], "webhook"?: {...} }
// plus `idempotency_key`, `max_attempts` and `mode` ("queued" or "quick"; an `Idempotency-Key`
// header takes precedence for the key; the gateway passes it in).
import type { ChatStepRequest, JobMode, JobSubmission } from "./job-types.ts";
import { templateReferences } from "./step-template.ts";

/** The result of {@link parseJobSubmission}. */
export type ParsedSubmission =
  { ok: true; value: JobSubmission } | { ok: false; message: string; param: string };

/** Options of {@link parseJobSubmission}. */
export interface ParseSubmissionOptions {
  /**
   * Most steps in one job.
   * @default 20
   */
  maxSteps?: number;
  /**
   * Largest `max_attempts` a caller may ask for.
   * @default 10
   */
  maxAttemptsLimit?: number;
  /** The `Idempotency-Key` header, when sent; it wins over the body's `idempotency_key`. */
  idempotencyKeyHeader?: string | null;
  /**
   * Signing secret names of `JOB_WEBHOOK_SECRETS` (the gateway and the worker read the same
   * variable); a webhook naming another is refused. Unchecked when undefined.
   */
  webhookSecretNames?: ReadonlySet<string>;
}

/** Body fields that belong to the job, not to the chat request of the one-step form. */
const jobFields = new Set(["steps", "webhook", "idempotency_key", "max_attempts", "mode"]);

const jobModes: ReadonlySet<string> = new Set<JobMode>(["queued", "quick"]);

type Failure = { ok: false; message: string; param: string };
const fail = (param: string, message: string): Failure => ({
  ok: false,
  param,
  message: `${param} ${message}`,
});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether http is acceptable: only for the loopback addresses local development uses. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

/** `prefix.field`, or `field` for the one-step form (whose fields are at the top level). */
const join = (prefix: string, field: string): string =>
  prefix === "" ? field : `${prefix}.${field}`;

function parseStep(
  value: unknown,
  prefix: string,
  index: number,
): { ok: true; step: ChatStepRequest } | Failure {
  if (!isRecord(value)) return fail(prefix, "must be a chat completion request object");
  if (typeof value.model !== "string" || value.model.trim() === "") {
    return fail(join(prefix, "model"), "must be a model or tier name");
  }
  if (!Array.isArray(value.messages) || value.messages.length === 0) {
    return fail(join(prefix, "messages"), "must be a non-empty list of messages");
  }
  for (const [position, message] of value.messages.entries()) {
    if (!isRecord(message) || typeof message.role !== "string") {
      return fail(`${join(prefix, "messages")}[${position}]`, "must be a message with a role");
    }
  }
  if (value.stream === true) {
    return fail(
      join(prefix, "stream"),
      "must not be true: a job step's answer is stored, not streamed",
    );
  }
  const { stream: _stream, ...request } = value;
  const step = request as ChatStepRequest;
  for (const reference of templateReferences(step)) {
    if (reference >= index) {
      return fail(
        join(prefix, "messages"),
        `quotes {{steps.${reference}.output}}; a step may only quote earlier steps`,
      );
    }
  }
  return { ok: true, step };
}

/**
 * Validates a `POST /v1/jobs` body.
 * @param body - the parsed JSON body.
 * @param options - see {@link ParseSubmissionOptions}.
 */
export function parseJobSubmission(
  body: unknown,
  options: ParseSubmissionOptions = {},
): ParsedSubmission {
  const maxSteps = options.maxSteps ?? 20;
  if (!isRecord(body)) return fail("body", "must be a JSON object");

  let rawSteps: unknown[];
  let prefix: string;
  if (body.steps !== undefined) {
    if (!Array.isArray(body.steps) || body.steps.length === 0) {
      return fail("steps", "must be a non-empty list of chat completion requests");
    }
    if (body.model !== undefined || body.messages !== undefined) {
      return fail("steps", "cannot be combined with a top-level model or messages");
    }
    rawSteps = body.steps;
    prefix = "steps";
  } else {
    rawSteps = [Object.fromEntries(Object.entries(body).filter(([key]) => !jobFields.has(key)))];
    prefix = "";
  }
  if (rawSteps.length > maxSteps) return fail("steps", `must list at most ${maxSteps} steps`);

  const steps: ChatStepRequest[] = [];
  for (const [index, raw] of rawSteps.entries()) {
    const parsed = parseStep(raw, prefix === "" ? "" : `${prefix}[${index}]`, index);
    if (!parsed.ok) return parsed;
    steps.push(parsed.step);
  }

  const headerKey = options.idempotencyKeyHeader?.trim();
  const bodyKey = body.idempotency_key;
  if (bodyKey !== undefined && (typeof bodyKey !== "string" || bodyKey.trim() === "")) {
    return fail("idempotency_key", "must be a non-empty string");
  }
  const idempotencyKey = headerKey !== undefined && headerKey !== "" ? headerKey : bodyKey;
  if (idempotencyKey !== undefined && idempotencyKey.length > 255) {
    return fail("idempotency_key", "must be at most 255 characters");
  }

  let maxAttempts: number | undefined;
  if (body.max_attempts !== undefined) {
    const limit = options.maxAttemptsLimit ?? 10;
    const value = body.max_attempts;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > limit) {
      return fail("max_attempts", `must be a whole number from 1 to ${limit}`);
    }
    maxAttempts = value;
  }

  let mode: JobMode | undefined;
  if (body.mode !== undefined) {
    if (typeof body.mode !== "string" || !jobModes.has(body.mode)) {
      return fail("mode", 'must be "queued" or "quick"');
    }
    mode = body.mode as JobMode;
  }

  let webhook: JobSubmission["webhook"];
  if (body.webhook !== undefined) {
    const raw = body.webhook;
    if (!isRecord(raw)) return fail("webhook", "must be an object: { url, secret }");
    let url: URL;
    try {
      url = new URL(String(raw.url));
    } catch {
      return fail("webhook.url", "must be an absolute URL");
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
      return fail("webhook.url", "must be an https URL");
    }
    if (typeof raw.secret !== "string" || raw.secret.trim() === "") {
      return fail("webhook.secret", "must name a configured signing secret");
    }
    if (options.webhookSecretNames !== undefined && !options.webhookSecretNames.has(raw.secret)) {
      return fail(
        "webhook.secret",
        options.webhookSecretNames.size === 0
          ? `names "${raw.secret}", but no signing secret is configured (JOB_WEBHOOK_SECRETS)`
          : `names no configured signing secret ("${raw.secret}" is not in JOB_WEBHOOK_SECRETS)`,
      );
    }
    webhook = { url: url.toString(), secretName: raw.secret };
  }

  return {
    ok: true,
    value: {
      steps,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      ...(webhook === undefined ? {} : { webhook }),
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      ...(mode === undefined ? {} : { mode }),
    },
  };
}
