// One call to the Supabase Management API, shared by the dynamic providers. Pulumi serializes the
// providers' closures into the state file, so everything here uses only platform globals (`fetch`,
// `setTimeout`, `FormData`) and nothing from module scope except other functions in this file.

/** The Management API endpoint used when a resource does not name another one. */
export const defaultManagementApiUrl = "https://api.supabase.com";

/** One request to the Management API. */
export interface ManagementRequest {
  /** Base URL without a trailing path. @default "https://api.supabase.com" */
  apiUrl: string;
  /** Personal access token, sent as a bearer token and never echoed in errors. */
  accessToken: string;
  /** HTTP method. */
  method: "GET" | "POST" | "DELETE";
  /** Path below the base URL, e.g. `/v1/projects/abcd/secrets`. */
  path: string;
  /** A JSON body. */
  json?: unknown;
  /** A multipart body (the deploy endpoint). */
  form?: FormData;
  /** How many times a 429 is retried after waiting for `Retry-After`. @default 3 */
  maxRateLimitRetries?: number;
  /** Upper bound on one `Retry-After` wait, in seconds. @default 60 */
  maxRetryAfterSeconds?: number;
}

/** A successful response. */
export interface ManagementResponse {
  /** HTTP status (2xx). */
  status: number;
  /** Parsed JSON body, or undefined when the body is empty. */
  body: unknown;
}

/**
 * The `name` of every error {@link managementRequest} throws. Pulumi serializes the providers'
 * closures and runs them in another process, where a subclass of `Error` loses its prototype and
 * its message (pulumi/pulumi#10974), so errors are plain `Error`s recognised by this name.
 */
export const managementErrorName = "SupabaseManagementError";

/** A failed Management API call; the message names the status and the endpoint, never the token. */
export interface SupabaseManagementError extends Error {
  /** Always {@link managementErrorName}. */
  readonly name: typeof managementErrorName;
  /** HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** `METHOD /path` of the failed call. */
  readonly endpoint: string;
}

/**
 * Builds a {@link SupabaseManagementError}: a plain `Error` with the status and endpoint as fields.
 * @param message - the whole message, already naming the status and endpoint.
 * @param status - the HTTP status, 0 when there was no answer.
 * @param endpoint - `METHOD /path` of the call.
 */
export function managementError(
  message: string,
  status: number,
  endpoint: string,
): SupabaseManagementError {
  return Object.assign(new Error(message), {
    name: managementErrorName as typeof managementErrorName,
    status,
    endpoint,
  });
}

/**
 * True for errors thrown by {@link managementRequest}. Looks at fields only, never at prototypes,
 * so it holds for errors made by a deserialized copy of this module.
 * @param error - anything caught.
 */
export function isSupabaseManagementError(error: unknown): error is SupabaseManagementError {
  if (typeof error !== "object" || error === null) return false;
  const fields = error as { name?: unknown; status?: unknown; endpoint?: unknown };
  return (
    fields.name === managementErrorName &&
    typeof fields.status === "number" &&
    typeof fields.endpoint === "string"
  );
}

/**
 * True when the Management API answered 404: the project or the object is gone.
 * @param error - anything caught.
 */
export function isNotFound(error: unknown): boolean {
  return isSupabaseManagementError(error) && error.status === 404;
}

/** Sends one request, retrying 429s a bounded number of times, and throws a clear error otherwise. */
export async function managementRequest(request: ManagementRequest): Promise<ManagementResponse> {
  const endpoint = `${request.method} ${request.path}`;
  const maxRetries = request.maxRateLimitRetries ?? 3;
  const maxWaitSeconds = request.maxRetryAfterSeconds ?? 60;
  const url = `${request.apiUrl.replace(/\/+$/, "")}${request.path}`;

  for (let attempt = 0; ; attempt += 1) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${request.accessToken}`,
      accept: "application/json",
    };
    let body: string | FormData | undefined;
    if (request.form) {
      // fetch writes the multipart boundary into content-type itself.
      body = request.form;
    } else if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.json);
    }

    let response: Response;
    try {
      response = await fetch(url, { method: request.method, headers, body });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause ?? error).toString() : String(error);
      throw managementError(
        `Supabase Management API ${endpoint} could not be reached at ${request.apiUrl}: ${reason}`,
        0,
        endpoint,
      );
    }

    const text = await response.text();
    if (response.ok) {
      return { status: response.status, body: text.length > 0 ? safeJson(text) : undefined };
    }
    if (response.status === 429 && attempt < maxRetries) {
      const waitSeconds = retryAfterSeconds(response.headers.get("retry-after"), maxWaitSeconds);
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
      continue;
    }
    throw managementError(
      describeFailure(endpoint, response.status, text, request.accessToken, attempt),
      response.status,
      endpoint,
    );
  }
}

/** Seconds to wait for a `Retry-After` header (delta-seconds or HTTP date), clamped to `[0, max]`. */
export function retryAfterSeconds(header: string | null, maxSeconds: number): number {
  if (header === null || header.trim() === "") return Math.min(1, maxSeconds);
  const seconds = Number(header);
  const wait = Number.isFinite(seconds) ? seconds : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(wait)) return Math.min(1, maxSeconds);
  return Math.min(Math.max(wait, 0), maxSeconds);
}

function describeFailure(
  endpoint: string,
  status: number,
  text: string,
  accessToken: string,
  retries: number,
): string {
  const hint =
    status === 401
      ? "the access token was rejected; check `platform:supabaseAccessToken`"
      : status === 403
        ? "the access token may not use this project; check `platform:supabaseAccessToken` and `platform:supabase.projectRef`"
        : status === 404
          ? "not found; check `platform:supabase.projectRef`"
          : status === 429
            ? `rate limited, still 429 after ${retries} retries honouring Retry-After`
            : status >= 500
              ? "the Management API failed; retry later"
              : "the request was rejected";
  const detail = apiMessage(text).split(accessToken).join("[redacted]").slice(0, 300);
  return `Supabase Management API ${endpoint} answered ${status}: ${hint}${detail ? ` (${detail})` : ""}`;
}

function apiMessage(text: string): string {
  const parsed = safeJson(text);
  if (typeof parsed === "object" && parsed !== null && "message" in parsed) {
    return String((parsed as { message: unknown }).message);
  }
  return text.trim();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
