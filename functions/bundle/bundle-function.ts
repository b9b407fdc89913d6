// Bundles one Supabase function into a deterministic, content-hashed artifact directory.
import { build } from "esbuild";
import * as path from "node:path";
import type { ArtifactManifest } from "./manifest";
import {
  denoCompatBanner,
  denoCompatPlugin,
  needsCompatBanner,
  optionalUnbundledImports,
  requiredBuiltins,
  runtimeResolvedSchemes,
} from "./deno-compat-plugin";
import type { SupabaseFunctionSource } from "./supabase-functions";
import { writeArtifact, type ArtifactContent } from "./write-artifact";

/** File name of the bundled entry module inside the artifact. */
export const bundledEntrypoint = "index.js";

/** Options of {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /** Root that `source.entry` is relative to; paths in the bundle's comments are relative to it. */
  repositoryRoot: string;
  /** Where the artifact is written (replaced). @example "dist/functions/llm-gateway" */
  outputDirectory: string;
}

/** One file of a bundle. */
export interface BundledFile {
  /** Path relative to the artifact directory, with `/` separators. @example "index.js" */
  path: string;
  /** The ES module's bytes. */
  bytes: Uint8Array;
}

/** A bundled function: its entry module and the chunks it imports. */
export interface BundledModules {
  /** The entry ({@link bundledEntrypoint}) and every chunk, sorted by path. */
  files: BundledFile[];
  /**
   * Specifiers left for the runtime to resolve (static and dynamic imports, and the built-ins that
   * CommonJS dependencies `require()`), sorted.
   */
  externalImports: string[];
}

// Where esbuild places the output in memory (nothing is written there); file paths in the result
// are relative to it.
const virtualOutputDirectory = "bundle-output";

/**
 * Bundles the entry into ES modules with npm dependencies inlined: the entry, plus one chunk per
 * dynamically imported module (the gateway's Redis and Upstash clients), so a cold start parses
 * only what it runs. Chunk names carry a hash of their content, so the output is deterministic.
 */
export async function bundleSource(
  source: SupabaseFunctionSource,
  repositoryRoot: string,
): Promise<BundledModules> {
  const outdir = path.join(repositoryRoot, virtualOutputDirectory);
  const result = await build({
    absWorkingDir: repositoryRoot,
    entryPoints: [path.resolve(repositoryRoot, source.entry)],
    bundle: true,
    write: false,
    format: "esm",
    splitting: true,
    outdir,
    entryNames: path.posix.basename(bundledEntrypoint, ".js"),
    chunkNames: "[name]-[hash]",
    // The "node" platform resolves npm packages the way Deno's npm support does ("deno" first, then
    // the Node conditions), so the bundle runs the same code the source runs under `deno run`.
    platform: "node",
    conditions: ["deno"],
    target: "es2022",
    // Module ids in the bundle are paths relative to the root as seen through symlinks, so a
    // checkout whose node_modules is a link bundles to the same bytes.
    preserveSymlinks: true,
    charset: "utf8",
    // License comments stay in each module (at its end) instead of a side file.
    legalComments: "eof",
    sourcemap: false,
    minifySyntax: true,
    minifyWhitespace: true,
    treeShaking: true,
    plugins: [denoCompatPlugin()],
    metafile: true,
    logLevel: "silent",
  });
  const files = result.outputFiles
    .map((output) => {
      const relative = path.relative(outdir, output.path).split(path.sep).join("/");
      const code = output.text;
      const bytes = needsCompatBanner(code)
        ? new TextEncoder().encode(`${denoCompatBanner}${code}`)
        : output.contents;
      return { path: relative, bytes };
    })
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  if (!files.some((file) => file.path === bundledEntrypoint)) {
    throw new Error(`esbuild produced no ${bundledEntrypoint} for ${source.entry}`);
  }
  const externalImports = Object.values(result.metafile.outputs)
    .flatMap((described) => described.imports)
    .filter((imported) => imported.external)
    .map((imported) => imported.path);
  const unexpected = externalImports.filter(
    (specifier) =>
      !runtimeResolvedSchemes.some((scheme) => specifier.startsWith(scheme)) &&
      !optionalUnbundledImports.includes(specifier),
  );
  if (unexpected.length > 0) {
    // esbuild leaves an import it cannot resolve when it sits in try/catch; at run time it would fail.
    throw new Error(
      `${source.entry} imports ${unexpected.join(", ")}, which could not be bundled: add the package to package.json or to optionalUnbundledImports in functions/bundle/deno-compat-plugin.ts`,
    );
  }
  const required = requiredBuiltins(Object.keys(result.metafile.inputs));
  return { files, externalImports: [...new Set([...externalImports, ...required])].sort() };
}

/** Bundles `source` into the content of its artifact, in memory. */
export async function bundleContent(
  source: SupabaseFunctionSource,
  repositoryRoot: string,
): Promise<ArtifactContent> {
  const { files } = await bundleSource(source, repositoryRoot);
  return {
    name: source.name,
    entrypoint: bundledEntrypoint,
    verifyJwt: source.verifyJwt,
    files,
  };
}

/** Bundles `source` and writes its modules + `manifest.json` to `options.outputDirectory`. */
export async function bundleFunction(
  source: SupabaseFunctionSource,
  options: BundleFunctionOptions,
): Promise<ArtifactManifest> {
  return writeArtifact(
    options.outputDirectory,
    await bundleContent(source, options.repositoryRoot),
  );
}
