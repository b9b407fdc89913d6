import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { edgeCacheSources } from "./edge-cache-sources";

const sources = edgeCacheSources();

describe("edgeCacheSources", () => {
  it("bundles the Worker into one ES module with a default export", () => {
    expect(sources.workerContent).toMatch(/export\s*\{[^}]*as default[^}]*\}|export default/);
  });

  it("bundles without imports left to resolve", () => {
    expect(sources.workerContent).not.toMatch(/^import /m);
  });

  it("names the module worker.js", () => {
    expect(sources.mainModule).toBe("worker.js");
  });

  it("reads every definition file of templates/definitions", () => {
    const files = readdirSync(join(__dirname, "..", "templates", "definitions"))
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.replace(/\.json$/, ""))
      .sort();
    expect(Object.keys(sources.definitions).sort()).toEqual(files);
  });
});
