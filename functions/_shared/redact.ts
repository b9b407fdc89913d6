/** Text put in place of every redacted secret or address. */
export const redactedMarker = "[REDACTED]";

const patterns: readonly RegExp[] = [
  // Anthropic keys first: the generic OpenAI pattern would leave the `ant-` prefix readable otherwise.
  /sk-ant-[A-Za-z0-9_-]{6,}/g,
  /sk-[A-Za-z0-9_-]{6,}/g,
  /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{6,}/g,
  // JWT-like: three base64url segments, the first one a JSON header (`eyJ` is `{"`).
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  // Passwords embedded in connection URLs (redis://user:password@host).
  /(?<=:\/\/[^\s:/@"]*:)[^\s@/"]+(?=@)/g,
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  // Long opaque tokens (Upstash REST tokens, PostHog personal keys): 40+ characters mixing letters
  // and digits. Trace ids (32 hex) and UUIDs stay readable because they are shorter or hyphenated.
  /\b(?=[A-Za-z0-9_=+/-]*\d)(?=[A-Za-z0-9_=+/-]*[A-Za-z])[A-Za-z0-9_+/-]{40,}={0,2}/g,
];

/** Secret-bearing member names whose string values are always replaced, whatever they look like. */
const secretMemberPattern =
  /("(?:authorization|x-api-key|api[_-]?key|apiKey|token|password|secret|access[_-]?token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Builds a redactor that removes API keys, bearer tokens, JWTs, URL passwords, long opaque tokens,
 * e-mail addresses and the exact values of the configured secrets from a text. Applied centrally to
 * every log line and analytics payload, so no call site has to remember it.
 */
export function createRedactor(knownSecrets: readonly string[] = []): (text: string) => string {
  // Longest first so a secret that contains another is replaced whole.
  const secrets = knownSecrets
    .filter((secret) => secret.length >= 6)
    .sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let result = text;
    for (const secret of secrets) {
      if (result.includes(secret)) result = result.split(secret).join(redactedMarker);
    }
    result = result.replace(secretMemberPattern, `$1"${redactedMarker}"`);
    for (const pattern of patterns) result = result.replace(pattern, redactedMarker);
    return result;
  };
}
