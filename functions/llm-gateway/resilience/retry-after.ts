/** Reads headers the way `fetch`'s `Headers` does; a plain interface keeps the parser easy to test. */
export interface HeaderSource {
  /** The header's value, or null when absent (case-insensitive name). */
  get(name: string): string | null;
}

/**
 * How long the provider asks us to wait, in milliseconds, capped at `capMs`; undefined when it does
 * not say. Understands `retry-after-ms` (OpenAI, fractional milliseconds), `retry-after` in seconds
 * and `retry-after` as an HTTP-date (RFC 9110 section 10.2.3). Negative or past values mean "now".
 */
export function parseRetryAfter(
  headers: HeaderSource,
  capMs: number,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value)) return clamp(value, capMs);
  }
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null || retryAfter.trim() === "") return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return clamp(Number(trimmed) * 1000, capMs);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return clamp(date - now, capMs);
}

function clamp(value: number, capMs: number): number {
  return Math.min(Math.max(0, Math.round(value)), capMs);
}
