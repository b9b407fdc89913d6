import { describe, expect, it } from "vitest";
import { engineUrn } from "./engine-server";

const options = { project: "ai-platform", stack: "staging" };
const stackUrn = "urn:pulumi:staging::ai-platform::pulumi:pulumi:Stack::ai-platform-staging";

describe("engineUrn (the engine's generateURN)", () => {
  it("gives the stack a URN of its own type", () => {
    expect(engineUrn(options, undefined, "pulumi:pulumi:Stack", "ai-platform-staging")).toBe(
      stackUrn,
    );
  });

  it("leaves the stack's type out of its children's", () => {
    expect(engineUrn(options, stackUrn, "platform:index:CacheStore", "cache")).toBe(
      "urn:pulumi:staging::ai-platform::platform:index:CacheStore::cache",
    );
  });

  it("prefixes the parent's whole qualified type", () => {
    const parent = "urn:pulumi:staging::ai-platform::a:b:C$d:e:F::parent";
    expect(engineUrn(options, parent, "g:h:I", "child")).toBe(
      "urn:pulumi:staging::ai-platform::a:b:C$d:e:F$g:h:I::child",
    );
  });
});
