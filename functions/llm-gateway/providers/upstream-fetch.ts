import {
  AttemptAbortedError,
  UpstreamHttpError,
  UpstreamNetworkError,
  UpstreamProtocolError,
} from "../errors.ts";
import { parseRetryAfter } from "../retry-after.ts";

/** Longest error body read from a provider; enough for its message, bounded against abuse. */
const errorBodyLimit = 16_384;

/**
 * The provider's error message, cut to 200 characters: it ends up in logs and 502 messages, and a
 * provider may quote part of the request (the prompt) back in it.
 */
function errorMessage(text: string, status: number): string {
  return extractMessage(text, status).slice(0, 200);
}

function extractMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown } | string;
      message?: unknown;
    };
    if (typeof parsed.error === "object" && typeof parsed.error?.message === "string")
      return parsed.error.message;
    if (typeof parsed.error === "string") return parsed.error;
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.trim() || `HTTP ${status}`;
}

/**
 * POSTs JSON to a provider and returns the 2xx response; maps every failure to an `UpstreamError`
 * (network, aborted, or HTTP status with its parsed Retry-After).
 */
export async function postJson(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  retryAfterCapMs: number,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw new AttemptAbortedError(provider, "aborted");
    throw new UpstreamNetworkError(
      provider,
      error instanceof Error ? error.message : String(error),
    );
  }
  if (response.ok) return response;
  let text = "";
  try {
    text = (await response.text()).slice(0, errorBodyLimit);
  } catch {
    // The status alone is enough to decide.
  }
  throw new UpstreamHttpError(
    provider,
    response.status,
    `HTTP ${response.status}: ${errorMessage(text, response.status)}`,
    parseRetryAfter(response.headers, retryAfterCapMs),
  );
}

/** Reads and parses a 2xx JSON body, mapping a cut or malformed body to an `UpstreamError`. */
export async function readJson<T>(
  provider: string,
  response: Response,
  signal: AbortSignal,
): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw new AttemptAbortedError(provider, "aborted");
    throw new UpstreamNetworkError(
      provider,
      error instanceof Error ? error.message : String(error),
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UpstreamProtocolError(provider, "malformed JSON in response body");
  }
}

/** Maps a stream read failure to an `UpstreamError`. */
export function streamReadError(provider: string, error: unknown, signal: AbortSignal): Error {
  if (signal.aborted) return new AttemptAbortedError(provider, "aborted");
  if (error instanceof Error && "provider" in error) return error;
  return new UpstreamNetworkError(provider, error instanceof Error ? error.message : String(error));
}
