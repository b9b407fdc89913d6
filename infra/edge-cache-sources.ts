import {
  bundleEdgeCacheWorker,
  EDGE_CACHE_WORKER_MODULE_NAME,
} from "../functions/edge-cache/bundle-worker";
import { readDefinitions } from "../functions/edge-cache/definitions";
import { cloudflareKvKeyProblem, cloudflareKvValueMaxBytes } from "./provider-rules";

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

/**
 * What Cloudflare would reject about the definitions as KV entries: each file name becomes a
 * key (at most 512 bytes) and each file a value (at most 25 MiB). One line per problem, naming
 * the file under `templates/definitions/`.
 */
export function definitionProblems(definitions: Readonly<Record<string, string>>): string[] {
  return Object.entries(definitions).flatMap(([key, text]) => {
    const file = `templates/definitions/${key}.json`;
    const problems: string[] = [];
    const keyProblem = cloudflareKvKeyProblem(key);
    if (keyProblem !== undefined) {
      problems.push(`${file}: the file name becomes a KV key, which ${keyProblem}`);
    }
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > cloudflareKvValueMaxBytes) {
      problems.push(
        `${file}: becomes a KV value, which must be at most ${cloudflareKvValueMaxBytes} bytes, got ${bytes} bytes`,
      );
    }
    return problems;
  });
}

/**
 * Bundles the Worker and reads the definition files.
 * @throws when a definition cannot be stored in KV, naming the file, before any resource exists.
 */
export function edgeCacheSources(): EdgeCacheSources {
  const definitions = readDefinitions();
  const problems = definitionProblems(definitions);
  if (problems.length > 0) {
    throw new Error(problems.join("\n"));
  }
  return {
    workerContent: bundleEdgeCacheWorker(),
    mainModule: EDGE_CACHE_WORKER_MODULE_NAME,
    definitions,
  };
}
