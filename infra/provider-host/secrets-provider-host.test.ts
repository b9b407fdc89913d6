import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { secretsKind } from "./resource-kinds";
import { describeProviderHostScenarios } from "./scenario-suite";

const fixture = describeProviderHostScenarios({ kinds: [secretsKind], rotation: false });

describe("the dynamic provider host as the engine starts it", () => {
  it("runs in the program directory infra/, as the engine starts it for main: infra/", () => {
    expect(fixture().host.process.workingDirectory).toBe(path.resolve(__dirname, ".."));
  });

  it("runs the project's own @pulumi/pulumi/cmd/dynamic-provider", () => {
    expect(fixture().host.process.script).toBe(
      require.resolve("@pulumi/pulumi/cmd/dynamic-provider"),
    );
  });

  it("reports the SDK version in GetPluginInfo", () => {
    const manifest = path.join(path.dirname(require.resolve("@pulumi/pulumi")), "package.json");
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };

    expect(fixture().host.pluginVersion).toBe(version);
  });

  it("declines secrets in Configure, so the engine sends it plain values", () => {
    expect(fixture().host.acceptSecrets).toBe(false);
  });
});
