import {
  InvalidRequestError,
  PayloadTooLargeError,
  RequestTimeoutError,
  UnsupportedMediaTypeError,
} from "../errors.ts";

/** Deepest nesting of arrays and objects accepted in a request body. */
export const maxJsonDepth = 64;

/** Limits of {@link readJsonBody}. */
export interface BodyLimits {
  /** `GATEWAY_MAX_BODY_BYTES`. */
  maxBytes: number;
  /** `GATEWAY_BODY_TIMEOUT_MS`: the whole body must have arrived by then. */
  timeoutMs: number;
}

/**
 * The nesting depth of a JSON text, by one linear scan that skips strings. Parsing, validating and
 * hashing a body recurse over it, so a body nested 100k levels deep must be refused before them.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92)
        index += 1; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (code === 125 || code === 93) depth -= 1;
  }
  return deepest;
}

/**
 * Reads a JSON request body: 415 unless the content type is JSON, 413 beyond `maxBytes` (checked
 * from Content-Length first, then while reading, so an oversize body is never buffered whole),
 * 408 when it has not arrived within `timeoutMs` (a Content-Length larger than the body would
 * otherwise wait forever), 400 when it does not parse or nests deeper than {@link maxJsonDepth}.
 */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    throw new UnsupportedMediaTypeError(contentType);
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBytes)
    throw new PayloadTooLargeError(limits.maxBytes);
  // With a Content-Length within the limit, the runtime reads the body in one go; the timer still
  // bounds a body shorter than it claims.
  const text =
    declared !== null ? await readDeclared(request, limits) : await readLimited(request, limits);
  if (jsonDepth(text) > maxJsonDepth) {
    throw new InvalidRequestError(
      `The request body nests arrays and objects deeper than ${maxJsonDepth} levels.`,
      "invalid_json",
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`,
      "invalid_json",
    );
  }
}

async function readDeclared(request: Request, limits: BodyLimits): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RequestTimeoutError(
            `The request body did not arrive within GATEWAY_BODY_TIMEOUT_MS (${limits.timeoutMs} ms); is Content-Length larger than the body?`,
          ),
        ),
      limits.timeoutMs,
    );
  });
  try {
    const text = await Promise.race([request.text(), timedOut]);
    if (text.length > limits.maxBytes) throw new PayloadTooLargeError(limits.maxBytes);
    return text;
  } catch (error) {
    if (error instanceof RequestTimeoutError || error instanceof PayloadTooLargeError) {
      if (error instanceof RequestTimeoutError) await request.body?.cancel().catch(() => undefined);
      throw error;
    }
    throw new InvalidRequestError(
      "The request body could not be read to its end (shorter than its Content-Length?).",
      "invalid_json",
    );
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(request: Request, limits: BodyLimits): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  const parts: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RequestTimeoutError(
            `The request body did not arrive within GATEWAY_BODY_TIMEOUT_MS (${limits.timeoutMs} ms); is Content-Length larger than the body?`,
          ),
        ),
      limits.timeoutMs,
    );
  });
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await Promise.race([reader.read(), timedOut]);
      } catch (error) {
        if (error instanceof RequestTimeoutError) throw error;
        throw new InvalidRequestError(
          "The request body could not be read to its end (shorter than its Content-Length?).",
          "invalid_json",
        );
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > limits.maxBytes) throw new PayloadTooLargeError(limits.maxBytes);
      parts.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  parts.push(decoder.decode());
  return parts.join("");
}
