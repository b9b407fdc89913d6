/**
 * Bundles the edge-cache Worker into the single ES module that Cloudflare (`WorkersScript.content`
 * with `mainModule: "worker.js"`) and miniflare load. Runs in Node (Pulumi program, `npm start`,
 * tests); the output is deterministic for the same sources, so an unchanged Worker is no diff.
 */
import { buildSync } from "esbuild";
import { resolve } from "node:path";

/** Entry point of the Worker source. */
export const EDGE_CACHE_WORKER_ENTRY = resolve(__dirname, "worker.ts");

/** Module name to give the bundle (`mainModule` of the Cloudflare `WorkersScript`). */
export const EDGE_CACHE_WORKER_MODULE_NAME = "worker.js";

/** Returns the Worker bundled into one ES module's source text. */
export function bundleEdgeCacheWorker(): string {
  const result = buildSync({
    entryPoints: [EDGE_CACHE_WORKER_ENTRY],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) {
    throw new Error(`esbuild produced no output for ${EDGE_CACHE_WORKER_ENTRY}`);
  }
  return output.text;
}
