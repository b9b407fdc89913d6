/** Text put in place of every redacted secret or address. */
export const redactedMarker = "[REDACTED]";

interface Rule {
  /** Cheap test that must pass before the (costlier) pattern runs; most log lines skip most rules. */
  applies: (text: string) => boolean;
  pattern: RegExp;
  /** A replacement string (may use `$1`) or a function of the match. */
  replace: string | ((match: string) => string);
}

const marker = redactedMarker;
/**
 * Whether the text has a run of 40+ token characters. A linear scan: the equivalent regex
 * (`/[A-Za-z0-9_+/-]{40}/`) backtracks at every start position and cost ~14 us per log line.
 */
function hasLongRun(text: string): boolean {
  let run = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const tokenCharacter =
      (code >= 48 && code <= 57) || // 0-9
      (code >= 65 && code <= 90) || // A-Z
      (code >= 97 && code <= 122) || // a-z
      code === 95 || // _
      code === 43 || // +
      code === 47 || // /
      code === 45; // -
    run = tokenCharacter ? run + 1 : 0;
    if (run >= 40) return true;
  }
  return false;
}

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
    applies: hasLongRun,
    pattern: /[A-Za-z0-9_+/-]{40,}={0,2}/g,
    replace: (match) => (/\d/.test(match) && /[A-Za-z]/.test(match) ? redactedMarker : match),
  },
];

/** Endings of the member names below; substring checks are far cheaper than the regex. */
const secretMemberEndings = [
  'ization"',
  'ey"',
  'EY"',
  'oken"',
  'OKEN"',
  'ord"',
  'ORD"',
  'ret"',
  'RET"',
];

function mayHaveSecretMember(text: string): boolean {
  for (const ending of secretMemberEndings) if (text.includes(ending)) return true;
  return false;
}

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
    {
      applies: mayHaveSecretMember,
      pattern: secretMemberPattern,
      replace: `$1"${redactedMarker}"`,
    },
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
