import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../test/support/free-port";
import { denoBinary, gatewayScriptArguments } from "../../test/support/gateway-process";
import { repositoryRoot } from "../../test/support/repository-root";
import type { BenchContext } from "../lib/context";
import type { LatencySummary } from "../lib/stats";
import { summarize } from "../lib/stats";

/** Artifact size and spawn-to-first-`/health`-200 times. */
export interface ColdStartResult {
  /** What was started as "the gateway": the bundled artifact, or the source entry when no bundle exists. */
  measured: "bundle" | "source";
  /** `npm run bundle` wall time, ms (undefined when it did not run). */
  bundleMs?: number;
  /** Bytes of `dist/functions/llm-gateway/` per its manifest. */
  artifactBytes?: number;
  /** The artifact's sha256 from the manifest. */
  artifactSha256?: string;
  /** Gateway cold starts, ms. */
  gateway: LatencySummary;
  /** The source entry's cold starts, ms (for comparison with the bundle). */
  source?: LatencySummary;
  /** A hello-world `Deno.serve` with the same flags, ms. */
  helloWorld: LatencySummary;
  /** Why the bundle could not be used, if it could not. */
  note?: string;
}

function healthOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const outgoing = request(
      { host: "127.0.0.1", port, path: "/health", timeout: 500 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    outgoing.on("error", () => resolve(false));
    outgoing.on("timeout", () => {
      outgoing.destroy();
      resolve(false);
    });
    outgoing.end();
  });
}

/** Spawns Deno on `entry` with the gateway script's flags and times it to the first /health 200. */
async function coldStart(entry: string, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const denoArguments = gatewayScriptArguments();
  denoArguments[denoArguments.length - 1] = entry;
  const started = performance.now();
  const child = spawn(denoBinary, denoArguments, {
    cwd: repositoryRoot,
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DENO_NO_UPDATE_CHECK: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...env,
    },
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  try {
    const deadline = started + 30_000;
    while (performance.now() < deadline) {
      if (exited) throw new Error(`deno exited before serving ${entry}`);
      if (await healthOk(port)) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${entry} did not answer /health within 30 s`);
  } finally {
    if (!exited && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    await exit;
  }
}

async function repeat(
  count: number,
  entry: string,
  env: Record<string, string>,
): Promise<LatencySummary> {
  const times: number[] = [];
  // One unmeasured start fills Deno's caches, as a deployed function's warm image would have them.
  await coldStart(entry, env);
  for (let index = 0; index < count; index += 1) times.push(await coldStart(entry, env));
  return summarize(times);
}

function runBundle(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(repositoryRoot, "node_modules/tsx/dist/cli.mjs"),
        "functions/bundle/cli.ts",
        "--only",
        "llm-gateway",
        "--no-archive",
      ],
      {
        cwd: repositoryRoot,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`npm run bundle failed: ${stderr.trim()}`)),
    );
  });
}

/** Bundles the gateway (when `npm run bundle` exists) and measures sizes and cold starts. */
export async function measureColdStart(
  context: BenchContext,
  env: Record<string, string>,
): Promise<ColdStartResult> {
  const runs = 5;
  const helloDirectory = mkdtempSync(join(tmpdir(), "bench-hello-"));
  const helloEntry = join(helloDirectory, "hello.ts");
  writeFileSync(
    helloEntry,
    'Deno.serve({ port: Number(Deno.env.get("PORT")), hostname: "127.0.0.1", onListen() {} }, () => new Response("ok"));\n',
  );
  try {
    const helloWorld = await repeat(runs, helloEntry, {});
    context.progress.note(`hello-world Deno.serve: p50 ${helloWorld.p50.toFixed(0)} ms`);
    const source = await repeat(runs, "functions/llm-gateway/index.ts", env);
    context.progress.note(`gateway from source: p50 ${source.p50.toFixed(0)} ms`);
    const packageJson = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    if (packageJson.scripts.bundle === undefined) {
      return {
        measured: "source",
        gateway: source,
        helloWorld,
        note: "no bundle script: measured the source entry",
      };
    }
    let bundleMs: number;
    try {
      bundleMs = await runBundle();
    } catch (error) {
      return {
        measured: "source",
        gateway: source,
        helloWorld,
        note: error instanceof Error ? error.message : String(error),
      };
    }
    const manifestPath = join(repositoryRoot, "dist/functions/llm-gateway/manifest.json");
    if (!existsSync(manifestPath)) {
      return {
        measured: "source",
        gateway: source,
        helloWorld,
        bundleMs,
        note: "bundle wrote no manifest.json",
      };
    }
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
      entrypoint: string;
      size: number;
      sha256: string;
    };
    const gateway = await repeat(runs, `dist/functions/llm-gateway/${manifest.entrypoint}`, env);
    context.progress.note(
      `bundled gateway (${(manifest.size / 1024).toFixed(0)} KiB): p50 ${gateway.p50.toFixed(0)} ms`,
    );
    return {
      measured: "bundle",
      bundleMs,
      artifactBytes: manifest.size,
      artifactSha256: manifest.sha256,
      gateway,
      source,
      helloWorld,
    };
  } finally {
    rmSync(helloDirectory, { recursive: true, force: true });
  }
}
