import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFINITIONS_DIRECTORY, readDefinitions } from "./definitions";

const fixtures = join(__dirname, "__fixtures__");

describe("readDefinitions", () => {
  it("maps each .json file name without its extension to the file's exact text", () => {
    const directory = join(fixtures, "valid");
    expect(readDefinitions({ directory })).toEqual({
      "a-set": readFileSync(join(directory, "a-set.json"), "utf8"),
      "b-set": readFileSync(join(directory, "b-set.json"), "utf8"),
    });
  });

  it("returns the keys sorted so derived resources are stable", () => {
    expect(Object.keys(readDefinitions({ directory: join(fixtures, "valid") }))).toEqual([
      "a-set",
      "b-set",
    ]);
  });

  it("reads templates/definitions by default", () => {
    expect(Object.keys(readDefinitions())).toContain("cognitive-distortions");
    expect(DEFINITIONS_DIRECTORY.endsWith(join("templates", "definitions"))).toBe(true);
  });

  it("names the file that is not valid JSON", () => {
    const directory = join(fixtures, "invalid-json");
    expect(() => readDefinitions({ directory })).toThrow(
      `${join(directory, "broken.json")}: not valid JSON`,
    );
  });

  it("names the file whose name cannot be a URL path segment", () => {
    expect(() => readDefinitions({ directory: join(fixtures, "invalid-name") })).toThrow(
      'got "has space"',
    );
  });
});

describe("templates/definitions", () => {
  it.each(Object.entries(readDefinitions()))(
    "%s lists items that each have an id and a name",
    (_name, json) => {
      const document = JSON.parse(json) as { items: Array<{ id: unknown; name: unknown }> };
      expect(document.items.length).toBeGreaterThan(0);
      for (const item of document.items) {
        expect(typeof item.id).toBe("string");
        expect(typeof item.name).toBe("string");
      }
    },
  );

  it("gives every cognitive distortion a description, an example and a reframe prompt", () => {
    const document = JSON.parse(readDefinitions()["cognitive-distortions"] ?? "{}") as {
      items: Array<Record<string, unknown>>;
    };
    expect(document.items.length).toBeGreaterThanOrEqual(10);
    for (const item of document.items) {
      expect(Object.keys(item).sort()).toEqual([
        "description",
        "example",
        "id",
        "name",
        "reframePrompt",
      ]);
    }
  });
});
