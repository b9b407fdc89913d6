import type { GatewayError } from "./errors.ts";

const jsonHeaders = { "content-type": "application/json" };

/** A JSON response with extra headers. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...jsonHeaders, ...headers } });
}

/** A response whose JSON body is already serialised. */
export function jsonTextResponse(
  status: number,
  text: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(text, { status, headers: { ...jsonHeaders, ...headers } });
}

/** The OpenAI-shaped error response for a {@link GatewayError}. */
export function errorResponse(error: GatewayError, headers: Record<string, string> = {}): Response {
  return jsonResponse(error.status, error.toBody(), { ...headers, ...error.headers });
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane incoming `x-request-id` (short, no spaces or control characters), else a new UUID. */
export function requestIdOf(request: Request): string {
  const incoming = request.headers.get("x-request-id");
  return incoming !== null && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID();
}
