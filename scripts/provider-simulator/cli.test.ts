import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const repositoryRoot = join(__dirname, "..", "..");

describe("provider simulator CLI", () => {
  it("prints its base URLs, answers on them and exits 0 on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        join(repositoryRoot, "node_modules/tsx/dist/cli.mjs"),
        join(__dirname, "cli.ts"),
        "--port",
        "0",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    try {
      const openaiBaseUrl = await new Promise<string>((resolve, reject) => {
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match = /^OPENAI_BASE_URL=(\S+)$/m.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once("exit", () => reject(new Error(`CLI exited early: ${output}`)));
      });
      const response = await fetch(`${openaiBaseUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-cli", "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("rejects a bad --port with a message naming the flag", async () => {
    const child = spawn(
      process.execPath,
      [
        join(repositoryRoot, "node_modules/tsx/dist/cli.mjs"),
        join(__dirname, "cli.ts"),
        "--port",
        "99999",
      ],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) =>
      child.once("exit", (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(1);
    expect(stderr).toContain('--port must be an integer from 0 to 65535, got "99999"');
  });
});
