// The Supabase Edge Functions this repository ships, one entry per function.

/** One function to bundle and deploy. */
export interface SupabaseFunctionSource {
  /** Function name, also its slug and its folder under `dist/functions/`. @example "llm-gateway" */
  name: string;
  /** Entry module, relative to the repository root. */
  entry: string;
  /**
   * Default `verify_jwt` written to the manifest; a stack's `platform:supabase.verifyJwt` overrides
   * it. The gateway checks its own bearer keys (`GATEWAY_API_KEYS`), so Supabase's JWT check is off.
   */
  verifyJwt: boolean;
}

/** Every Supabase function, in deploy order. */
export const supabaseFunctions: readonly SupabaseFunctionSource[] = [
  { name: "llm-gateway", entry: "functions/llm-gateway/index.ts", verifyJwt: false },
  // Woken by pg_cron + pg_net with a gateway key as its bearer token (docs/jobs.md), which it checks
  // itself; Supabase's JWT check would need the service-role JWT in the schedule instead.
  { name: "job-worker", entry: "functions/job-worker/index.ts", verifyJwt: false },
];
