import {
  bundleEdgeCacheWorker,
  EDGE_CACHE_WORKER_MODULE_NAME,
} from "../functions/edge-cache/bundle-worker";
import { readDefinitions } from "../functions/edge-cache/definitions";

/**
 * What the EdgeCache component deploys from this repository: the Worker bundled by esbuild
 * from `functions/edge-cache/worker.ts`, and the definition sets of `templates/definitions/`.
 * Both are read when the program runs, so `pulumi up` deploys exactly the checked-out files.
 */
export interface EdgeCacheSources {
  /** The Worker as one ES module. */
  workerContent: string;
  /** The module name Cloudflare runs (`mainModule`). */
  mainModule: string;
  /** KV key -> JSON text of each definition set. */
  definitions: Record<string, string>;
}

/** Bundles the Worker and reads the definition files. */
export function edgeCacheSources(): EdgeCacheSources {
  return {
    workerContent: bundleEdgeCacheWorker(),
    mainModule: EDGE_CACHE_WORKER_MODULE_NAME,
    definitions: readDefinitions(),
  };
}
