import { describe, expect, it } from "vitest";
import {
  encryptedValuePlaceholder,
  engineConfigFromStackFile,
  languageHostConfig,
} from "./stack-config";

const options = { stackFile: "Pulumi.test.yaml", projectName: "ai-platform" };

describe("engineConfigFromStackFile", () => {
  it("serializes structured values as JSON text", () => {
    expect(
      engineConfigFromStackFile("config:\n  platform:budget:\n    dailyUsd: 5\n", options).values,
    ).toEqual({ "platform:budget": '{"dailyUsd":5}' });
  });

  it("passes scalars as their text", () => {
    expect(
      engineConfigFromStackFile("config:\n  platform:protectData: true\n", options).values,
    ).toEqual({ "platform:protectData": "true" });
  });

  it("puts keys without a namespace in the project's", () => {
    expect(engineConfigFromStackFile("config:\n  region: x\n", options).values).toEqual({
      "ai-platform:region": "x",
    });
  });

  it("turns secure values into secret placeholders", () => {
    expect(
      engineConfigFromStackFile("config:\n  cloudflare:apiToken:\n    secure: AAAB\n", options),
    ).toEqual({
      values: { "cloudflare:apiToken": encryptedValuePlaceholder },
      secretKeys: ["cloudflare:apiToken"],
    });
  });

  it("adds secret overrides as secrets", () => {
    expect(
      engineConfigFromStackFile("config: {}\n", {
        ...options,
        secretOverrides: { "github:token": "t" },
      }),
    ).toEqual({ values: { "github:token": "t" }, secretKeys: ["github:token"] });
  });

  it("names the file when the YAML is invalid", () => {
    expect(() => engineConfigFromStackFile("config: [\n", options)).toThrow(
      /^Pulumi\.test\.yaml: not valid YAML/,
    );
  });
});

describe("languageHostConfig", () => {
  it("writes keys as namespace:config:name, as the language host does", () => {
    expect(JSON.parse(languageHostConfig({ "platform:budget": '{"dailyUsd":5}' }))).toEqual({
      "platform:config:budget": '{"dailyUsd":5}',
    });
  });
});
