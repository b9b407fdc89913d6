// Runs one job step through the gateway's own OpenAI-compatible endpoint over HTTP, so a step gets
// the whole pipeline (cache, breakers, budget, ledger) exactly as a client request does. The
// answer decides what happens next: a completion is the step's output; a timeout, a network error
// or a 408/409/425/429/5xx answer is worth retrying; any other status (a bad request) is not.
import type { ClaimedStep } from "./job-types.ts";

/** What running a step gave. */
export type StepResult =
  { ok: true; output: unknown } | { ok: false; retryable: boolean; error: string };

/**
 * Runs a claimed step. Never rejects: failures are results.
 * @param signal - aborted when the attempt must stop (the lease or the time bound ends).
 */
export type StepExecutor = (step: ClaimedStep, signal: AbortSignal) => Promise<StepResult>;

/** Options of {@link createGatewayStepExecutor}. */
export interface GatewayStepExecutorOptions {
  /**
   * The gateway's base URL, without `/v1`.
   * @example "https://abcdefghijklmnopqrst.supabase.co/functions/v1/llm-gateway"
   */
  gatewayUrl: string;
  /**
   * A gateway API key (one of `GATEWAY_API_KEYS`), sent as the bearer token; none for a gateway
   * without keys, or when `headers` carry the caller's own credentials (quick jobs).
   */
  apiKey?: string | undefined;
  /**
   * More request headers, e.g. the submitting caller's `authorization` and `x-user-id` for a quick
   * job run inside the gateway.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Bound on one call in milliseconds (the lease's end bounds it too).
   * @default 120000
   */
  timeoutMs?: number;
  /** The fetch to use (tests inject one). @default globalThis.fetch */
  fetch?: typeof fetch;
}

const retryableStatuses = new Set([408, 409, 425, 429]);

/** The header the worker names the job's hashed caller in, for the gateway's per-caller scopes. */
export const jobCallerHeader = "x-job-caller-scope";

async function describeFailure(response: Response): Promise<string> {
  let detail = "";
  try {
    const text = await response.text();
    try {
      const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
      detail = typeof message === "string" ? message : text;
    } catch {
      detail = text;
    }
  } catch {
    // The body could not be read; the status says enough.
  }
  return `gateway answered ${response.status}${detail === "" ? "" : `: ${detail.slice(0, 300)}`}`;
}

/**
 * The executor that calls `POST {gatewayUrl}/v1/chat/completions`.
 * @param options - see {@link GatewayStepExecutorOptions}.
 */
export function createGatewayStepExecutor(options: GatewayStepExecutorOptions): StepExecutor {
  const endpoint = `${options.gatewayUrl.replace(/\/+$/, "")}/v1/chat/completions`;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return async (step, signal) => {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const response = await fetchFunction(endpoint, {
        method: "POST",
        headers: {
          ...options.headers,
          ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
          "content-type": "application/json",
          "x-job-id": step.jobId,
          "x-job-step": String(step.index),
          [jobCallerHeader]: step.callerScope,
        },
        body: JSON.stringify({ ...step.request, stream: false }),
        signal: bounded,
      });
      if (response.ok) {
        try {
          return { ok: true, output: await response.json() };
        } catch {
          return {
            ok: false,
            retryable: true,
            error: "gateway answered 200 with a body that is not JSON",
          };
        }
      }
      const error = await describeFailure(response);
      const retryable = retryableStatuses.has(response.status) || response.status >= 500;
      return { ok: false, retryable, error };
    } catch (error) {
      const reason = bounded.aborted
        ? signal.aborted
          ? "the attempt was stopped (lease or time bound ended)"
          : `no answer from the gateway within ${timeoutMs} ms`
        : `gateway unreachable: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false, retryable: true, error: reason };
    }
  };
}
