import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalDatabase, type LocalDatabase } from "../../../scripts/local-platform/database";
import { denoBinary } from "../../../test/support/gateway-process";
import { repositoryRoot } from "../../../test/support/repository-root";
import { timeouts } from "../../../test/support/timeouts";

let local: LocalDatabase;

beforeAll(async () => {
  local = await startLocalDatabase();
});

afterAll(async () => {
  await local?.stop();
});

/** Runs the probe under Deno with the gateway's config and permissions; resolves with stdout. */
function runProbe(
  databaseUrl: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      denoBinary,
      [
        "run",
        "--config",
        "functions/deno.json",
        "--no-prompt",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        join("functions", "_shared", "database", "test", "deno-probe.ts"),
      ],
      {
        cwd: repositoryRoot,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/root",
          ...(process.env.DENO_DIR === undefined ? {} : { DENO_DIR: process.env.DENO_DIR }),
          DENO_NO_UPDATE_CHECK: "1",
          NO_COLOR: "1",
          DATABASE_URL: databaseUrl,
          TIMEOUT_MS: String(timeouts.storeCall),
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the database modules under Deno", () => {
  it("connect with postgres.js, serve a paraphrase from the semantic cache and write the ledger", async () => {
    const result = await runProbe(local.url);

    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as Record<
      string,
      unknown
    >;
    expect(report).toMatchObject({
      runtime: expect.stringMatching(/^deno /),
      stored: "stored",
      found: "hit",
      flushed: { written: 1, dropped: 0 },
    });
  });
});
