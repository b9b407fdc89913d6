/**
 * Child resource names derive from the component's name, so two instances of a component
 * (or a renamed one) never collide and the plan reads as a tree.
 */
export function childName(componentName: string, ...parts: string[]): string {
  return [componentName, ...parts.map(toKebabCase)].join("-");
}

/** `UPSTASH_REDIS_REST_URL` -> `upstash-redis-rest-url`; `cognitive-distortions` unchanged. */
export function toKebabCase(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}
