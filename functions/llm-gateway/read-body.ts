import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./errors.ts";

/**
 * Reads a JSON request body: 415 unless the content type is JSON, 413 beyond `maxBytes` (checked
 * from Content-Length first, then while reading, so an oversize body is never buffered whole),
 * 400 when it does not parse.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    throw new UnsupportedMediaTypeError(contentType);
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  let text: string;
  if (declared !== null) {
    text = await request.text();
    if (text.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  } else {
    text = await readLimited(request, maxBytes);
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

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
