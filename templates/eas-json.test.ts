import { EasJsonAccessor, EasJsonUtils, Platform } from "@expo/eas-json";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { easProfiles } from "./eas-json";
import { renderTemplates } from "./render-templates";

const root = join(__dirname, "..");
const easJson = renderTemplates(root, "staging").files.find((file) =>
  file.path.endsWith("eas.json"),
);

const cases = [Platform.IOS, Platform.ANDROID].flatMap((platform) =>
  easProfiles.map((profile) => [platform, profile] as const),
);

describe("rendered eas.json", () => {
  it.each(cases)("validates with @expo/eas-json for %s / %s", async (platform, profile) => {
    const accessor = EasJsonAccessor.fromRawString(easJson?.content ?? "");
    const buildProfile = await EasJsonUtils.getBuildProfileAsync(accessor, platform, profile);
    expect(buildProfile.env?.EXPO_PUBLIC_API_URL).toMatch(/^https?:\/\//);
    expect(buildProfile.env?.EXPO_PUBLIC_POSTHOG_KEY).toMatch(/^phc_/);
  });

  it("gives @expo/eas-json a profile name it rejects when the profile is invalid", async () => {
    const broken = JSON.parse(easJson?.content ?? "{}") as {
      build: Record<string, Record<string, unknown>>;
    };
    broken.build["preview"] = { ...broken.build["preview"], distribution: "everywhere" };
    const accessor = EasJsonAccessor.fromRawString(JSON.stringify(broken));
    await expect(
      EasJsonUtils.getBuildProfileAsync(accessor, Platform.IOS, "preview"),
    ).rejects.toThrow();
  });
});
