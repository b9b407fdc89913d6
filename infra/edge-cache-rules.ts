/** The path the edge-cache Worker serves definitions under (`GET /definitions/<name>`). */
export const definitionsPathPrefix = "/definitions/";

/** The host part of a Workers route pattern: `api.example.com/definitions/*` -> `api.example.com`. */
export function routeHost(routePattern: string): string {
  return routePattern.slice(0, routePattern.indexOf("/"));
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The Cloudflare Rules language expression matching definition requests. With a route the
 * rule is limited to the route's host (a wildcard host such as `*.example.com` matches by
 * suffix), so it cannot change caching elsewhere on the zone.
 */
export function definitionsCacheExpression(routePattern: string | undefined): string {
  const pathMatch = `starts_with(http.request.uri.path, ${quote(definitionsPathPrefix)})`;
  if (routePattern === undefined) {
    return `(${pathMatch})`;
  }
  const host = routeHost(routePattern);
  if (host.startsWith("*.")) {
    return `(ends_with(http.host, ${quote(host.slice(1))}) and ${pathMatch})`;
  }
  if (host === "*") {
    return `(${pathMatch})`;
  }
  return `(http.host eq ${quote(host)} and ${pathMatch})`;
}
