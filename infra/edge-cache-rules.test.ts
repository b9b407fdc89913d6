import { describe, expect, it } from "vitest";
import { definitionsCacheExpression, routeHost } from "./edge-cache-rules";

describe("routeHost", () => {
  it("takes the part before the first slash", () => {
    expect(routeHost("api.example.com/definitions/*")).toBe("api.example.com");
  });
});

describe("definitionsCacheExpression", () => {
  it("matches the definitions path on the route's host", () => {
    expect(definitionsCacheExpression("api.example.com/definitions/*")).toBe(
      '(http.host eq "api.example.com" and starts_with(http.request.uri.path, "/definitions/"))',
    );
  });

  it("matches a wildcard host by suffix", () => {
    expect(definitionsCacheExpression("*.example.com/definitions/*")).toBe(
      '(ends_with(http.host, ".example.com") and starts_with(http.request.uri.path, "/definitions/"))',
    );
  });

  it("matches the path on any host without a route", () => {
    expect(definitionsCacheExpression(undefined)).toBe(
      '(starts_with(http.request.uri.path, "/definitions/"))',
    );
  });

  it("escapes quotes in a host", () => {
    expect(definitionsCacheExpression('a"b/x')).toContain('http.host eq "a\\"b"');
  });
});
