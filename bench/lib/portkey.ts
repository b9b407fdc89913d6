import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../../test/support/free-port";
import { repositoryRoot } from "../../test/support/repository-root";
import { waitUntil } from "../../test/support/wait-until";

/** Portkey's open-source gateway (`@portkey-ai/gateway`) running under Node. */
export interface PortkeyProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops it (its process group). */
  stop(): Promise<void>;
}

/**
 * Starts `node node_modules/@portkey-ai/gateway/build/start-server.js --port=N --headless`
 * (its only flags, read from its start-server source) and waits until it answers HTTP.
 */
export async function startPortkey(): Promise<PortkeyProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(repositoryRoot, "node_modules/@portkey-ai/gateway/build/start-server.js"),
      `--port=${port}`,
      "--headless",
    ],
    {
      cwd: repositoryRoot,
      detached: true,
      stdio: "ignore",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (exited) throw new Error("Portkey gateway exited during start-up");
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return true;
    },
    { description: `Portkey gateway on port ${port}`, timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    url,
    async stop() {
      if (exited || child.pid === undefined) return;
      process.kill(-child.pid, "SIGTERM");
      const killer = setTimeout(() => {
        if (!exited && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      }, 3000);
      await exit;
      clearTimeout(killer);
    },
  };
}

/** Headers that make Portkey forward an OpenAI request to `openaiBaseUrl`. */
export function portkeyHeaders(openaiBaseUrl: string, apiKey: string): Record<string, string> {
  return {
    "x-portkey-provider": "openai",
    "x-portkey-custom-host": openaiBaseUrl,
    authorization: `Bearer ${apiKey}`,
  };
}
