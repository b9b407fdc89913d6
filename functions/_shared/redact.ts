/** Text put in place of every redacted secret or address. */
export const redactedMarker = "[REDACTED]";

interface Rule {
  /** Cheap test that must pass before the (costlier) pattern runs; most log lines skip most rules. */
  applies: (text: string) => boolean;
  pattern: RegExp;
  /** A replacement string (may use `$1`) or a function of the match. */
  replace: string | ((match: string) => string);
}

const always = (): boolean => true;
const marker = redactedMarker;
const hasLongRun = /[A-Za-z0-9_+/-]{40}/;

const rules: readonly Rule[] = [
  {
    applies: (text) => text.includes("sk-"),
    // Anthropic's prefix first so `sk-ant-...` is replaced whole.
    pattern: /sk-ant-[A-Za-z0-9_-]{6,}|sk-[A-Za-z0-9_-]{6,}/g,
    replace: marker,
  },
  {
    applies: (text) => text.includes("earer"),
    pattern: /\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{6,}/g,
    replace: marker,
  },
  {
    // JWT-like: three base64url segments, the first a JSON header (`eyJ` is `{"`).
    applies: (text) => text.includes("eyJ"),
    pattern: /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: marker,
  },
  {
    // Passwords embedded in connection URLs (redis://user:password@host).
    applies: (text) => text.includes("://"),
    pattern: /(?<=:\/\/[^\s:/@"]*:)[^\s@/"]+(?=@)/g,
    replace: marker,
  },
  {
    applies: (text) => text.includes("@"),
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
    replace: marker,
  },
  {
    // Long opaque tokens (Upstash REST tokens, personal API keys): 40+ characters mixing letters
    // and digits. Trace ids (32 hex) and UUIDs stay readable: shorter, or broken by hyphens.
    applies: (text) => hasLongRun.test(text),
    pattern: /[A-Za-z0-9_+/-]{40,}={0,2}/g,
    replace: (match) => (/\d/.test(match) && /[A-Za-z]/.test(match) ? redactedMarker : match),
  },
];

/** Secret-bearing member names whose string values are always replaced, whatever they look like. */
const secretMemberPattern =
  /("(?:authorization|x-api-key|api[_-]?key|apiKey|token|password|secret|access[_-]?token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Builds a redactor that removes API keys, bearer tokens, JWTs, URL passwords, long opaque tokens,
 * e-mail addresses and the exact values of the configured secrets from a text. Applied centrally to
 * every log line and analytics payload, so no call site has to remember it. Each rule runs only
 * after a cheap substring check, because the request log line passes through here on the hot path.
 */
export function createRedactor(knownSecrets: readonly string[] = []): (text: string) => string {
  // Longest first so a secret that contains another is replaced whole.
  const secrets = knownSecrets
    .filter((secret) => secret.length >= 6)
    .sort((a, b) => b.length - a.length);
  const rulesInUse: Rule[] = [
    { applies: always, pattern: secretMemberPattern, replace: `$1"${redactedMarker}"` },
    ...rules,
  ];
  return (text: string): string => {
    let result = text;
    for (const secret of secrets) {
      if (result.includes(secret)) result = result.split(secret).join(redactedMarker);
    }
    for (const rule of rulesInUse) {
      if (!rule.applies(result)) continue;
      result =
        typeof rule.replace === "string"
          ? result.replace(rule.pattern, rule.replace)
          : result.replace(rule.pattern, rule.replace);
    }
    return result;
  };
}
