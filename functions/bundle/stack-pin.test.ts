import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPinnedArtifact, writePinnedArtifact } from "./stack-pin";

const stagingFile = readFileSync(join(__dirname, "..", "..", "Pulumi.staging.yaml"), "utf8");
const pin = "b".repeat(64);

describe("readPinnedArtifact", () => {
  it("reads no pin from the committed staging stack", () => {
    expect(readPinnedArtifact(stagingFile)).toBeUndefined();
  });

  it("reads the pin a write recorded", () => {
    expect(readPinnedArtifact(writePinnedArtifact(stagingFile, pin))).toBe(pin);
  });

  it("refuses a pin that is not a SHA-256, naming the key", () => {
    const text = writePinnedArtifact(stagingFile, pin).replace(pin, "abc");
    expect(() => readPinnedArtifact(text)).toThrow(
      'platform:supabase.pinnedArtifactSha256 must be 64 lowercase hex characters, got "abc"',
    );
  });
});

describe("writePinnedArtifact", () => {
  it("keeps the stack file's comments", () => {
    expect(writePinnedArtifact(stagingFile, pin)).toContain(
      "# Staging stack. Non-secret values only",
    );
  });

  it("changes nothing but the pin", () => {
    const pinned = writePinnedArtifact(stagingFile, pin);
    expect(pinned.replace(`    pinnedArtifactSha256: ${pin}\n`, "")).toBe(stagingFile);
  });

  it("removes the pin when given none", () => {
    expect(writePinnedArtifact(writePinnedArtifact(stagingFile, pin), undefined)).toBe(stagingFile);
  });

  it("refuses to write a value that is not a SHA-256", () => {
    expect(() => writePinnedArtifact(stagingFile, "latest")).toThrow("64 lowercase hex");
  });
});
