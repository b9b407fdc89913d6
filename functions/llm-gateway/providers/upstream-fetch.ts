import {
  AttemptAbortedError,
  UpstreamHttpError,
  UpstreamNetworkError,
  UpstreamProtocolError,
} from "../errors.ts";
import { parseRetryAfter } from "../resilience/retry-after.ts";

/** Longest error body read from a provider; enough for its message, bounded against abuse. */
const errorBodyLimit = 16_384;

/** Longest provider error message kept: it may quote part of the request (the prompt) back. */
export const providerMessageLimit = 200;

interface ProviderErrorDetails {
  message: string;
  code: string | undefined;
  param: string | undefined;
}

/**
 * The provider's error message (cut to {@link providerMessageLimit} characters), `code` and
 * `param`, from OpenAI's `{error:{message,code,param}}`, Anthropic's `{error:{type,message}}` or
 * plain text.
 */
function errorDetails(text: string, status: number): ProviderErrorDetails {
  let message = text.trim() || `HTTP ${status}`;
  let code: string | undefined;
  let param: string | undefined;
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: unknown; code?: unknown; type?: unknown; param?: unknown } | string;
      message?: unknown;
    };
    const error = parsed.error;
    if (typeof error === "object" && error !== null) {
      if (typeof error.message === "string") message = error.message;
      if (typeof error.code === "string") code = error.code;
      else if (typeof error.type === "string") code = error.type;
      if (typeof error.param === "string") param = error.param;
    } else if (typeof error === "string") message = error;
    else if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // Not JSON: the raw text is the message.
  }
  return { message: message.slice(0, providerMessageLimit), code, param };
}

/** Reads a body as text, up to `limit` bytes; undefined when it is longer. */
export async function readTextWithin(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<string | undefined> {
  if (body === null) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return undefined;
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  parts.push(decoder.decode());
  return parts.join("");
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
    text = (await readTextWithin(response.body, errorBodyLimit)) ?? "";
  } catch {
    // The status alone is enough to decide.
  }
  const details = errorDetails(text, response.status);
  const error = new UpstreamHttpError(
    provider,
    response.status,
    `HTTP ${response.status}: ${details.message}`,
    parseRetryAfter(response.headers, retryAfterCapMs),
  );
  error.providerCode = details.code;
  error.providerParam = details.param;
  throw error;
}

/**
 * Reads and parses a 2xx JSON body of at most `maxBytes` (`LLM_MAX_RESPONSE_BYTES`), mapping a cut,
 * oversize or malformed body to an `UpstreamError`.
 */
export async function readJson<T>(
  provider: string,
  response: Response,
  signal: AbortSignal,
  maxBytes: number,
): Promise<T> {
  let text: string;
  try {
    // A declared length within the bound lets the runtime read the body natively (faster than a
    // reader loop); without one, or beyond it, the body is read under the bound.
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    const read =
      declared <= maxBytes ? await response.text() : await readTextWithin(response.body, maxBytes);
    if (read === undefined) {
      throw new UpstreamProtocolError(
        provider,
        `answer larger than LLM_MAX_RESPONSE_BYTES (${maxBytes} bytes)`,
      );
    }
    text = read;
  } catch (error) {
    if (signal.aborted) throw new AttemptAbortedError(provider, "aborted");
    if (error instanceof UpstreamProtocolError) throw error;
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
