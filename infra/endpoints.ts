/**
 * URLs that follow from configuration alone, so they are known before anything is deployed
 * and can be wired into other providers (Vercel variables, GitHub variables, uptime checks).
 */

/**
 * The public URL of one Edge Function: Supabase mounts every function under `/functions/v1/<slug>`.
 * @param projectRef - the project's ref.
 * @param slug - the function's slug, e.g. `job-worker`.
 */
export function functionUrl(projectRef: string, slug: string): string {
  return `https://${projectRef}.supabase.co/functions/v1/${slug}`;
}

/** The gateway's public URL (the `llm-gateway` function). */
export function gatewayUrl(projectRef: string): string {
  return functionUrl(projectRef, "llm-gateway");
}

/**
 * Where the edge-cache Worker answers on the zone: the route pattern without its trailing
 * wildcard, over https. `undefined` without a route (the Worker is then reachable only on
 * its workers.dev subdomain, whose name Cloudflare assigns per account).
 */
export function definitionsBaseUrl(routePattern: string | undefined): string | undefined {
  if (routePattern === undefined) {
    return undefined;
  }
  return `https://${routePattern.replace(/\*+$/, "")}`;
}
