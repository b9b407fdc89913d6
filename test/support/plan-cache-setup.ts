// vitest globalSetup: one folder per run where test files share plans (see plan-cache.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planCacheVariable } from "./plan-cache";

export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), "plan-cache-"));
  // Set before vitest forks its workers, which inherit the environment.
  process.env[planCacheVariable] = directory;
  return () => rmSync(directory, { recursive: true, force: true });
}
