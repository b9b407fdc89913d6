import { describe, expect, it } from "vitest";
import { needsCompatBanner, requiredBuiltins } from "./deno-compat-plugin";

describe("needsCompatBanner", () => {
  it("is true for a module that calls a built-in's stand-in", () => {
    expect(needsCompatBanner('var n=__bundleRequire("node:net");')).toBe(true);
  });

  it("is true for esbuild's own require helper", () => {
    expect(needsCompatBanner('var __require=(x=>typeof require<"u"?require:x);')).toBe(true);
  });

  it("is false for a module whose identifiers only contain the word", () => {
    expect(needsCompatBanner("var require_dist=__commonJS({});__require_x();")).toBe(false);
  });
});

describe("requiredBuiltins", () => {
  it("lists the built-ins behind the stand-in modules, sorted", () => {
    const inputs = [
      "deno-compat-require:node:net",
      "node_modules/redis/dist/index.js",
      "deno-compat-require:node:events",
    ];

    expect(requiredBuiltins(inputs)).toEqual(["node:events", "node:net"]);
  });
});
