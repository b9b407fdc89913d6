import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { renderSupabaseConfig } from "./supabase-config";

const root = join(__dirname, "..");
const supabaseFolder = join(root, "supabase");

const config = parse(
  renderSupabaseConfig({
    projectRef: "abcdefghijklmnopqrst",
    verifyJwt: true,
    source: { stackName: "staging", stackFile: "Pulumi.staging.yaml" },
  }),
) as { project_id: string; functions: Record<string, Record<string, unknown>> };

describe("renderSupabaseConfig", () => {
  it("names the stack's project", () => {
    expect(config.project_id).toBe("abcdefghijklmnopqrst");
  });

  it("points the gateway's entrypoint at functions/", () => {
    const entrypoint = String(config.functions["llm-gateway"]?.["entrypoint"]);
    expect(resolve(supabaseFolder, entrypoint)).toBe(join(root, "functions/llm-gateway/index.ts"));
  });

  it("uses the functions' Deno import map, which exists", () => {
    const importMap = resolve(
      supabaseFolder,
      String(config.functions["llm-gateway"]?.["import_map"]),
    );
    expect(importMap).toBe(join(root, "functions/deno.json"));
    expect(existsSync(importMap)).toBe(true);
  });

  it("carries the stack's verify_jwt", () => {
    expect(config.functions["llm-gateway"]?.["verify_jwt"]).toBe(true);
  });
});
