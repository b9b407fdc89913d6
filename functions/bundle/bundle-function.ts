// Bundles one Supabase function into a deterministic, content-hashed artifact directory.
import { build } from "esbuild";
import * as path from "node:path";
import type { ArtifactManifest } from "./manifest";
import {
  denoCompatBanner,
  denoCompatPlugin,
  optionalUnbundledImports,
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

/** One bundled module. */
export interface BundledModule {
  /** The ES module's bytes. */
  bytes: Uint8Array;
  /** Specifiers left for the runtime to resolve (static and dynamic imports), sorted. */
  externalImports: string[];
}

/** Bundles the entry into one ES module with npm dependencies inlined. */
export async function bundleSource(
  source: SupabaseFunctionSource,
  repositoryRoot: string,
): Promise<BundledModule> {
  const result = await build({
    absWorkingDir: repositoryRoot,
    entryPoints: [path.resolve(repositoryRoot, source.entry)],
    bundle: true,
    write: false,
    format: "esm",
    // The "node" platform resolves npm packages the way Deno's npm support does ("deno" first, then
    // the Node conditions), so the bundle runs the same code the source runs under `deno run`.
    platform: "node",
    conditions: ["deno"],
    target: "es2022",
    // Module ids in the bundle are paths relative to the root as seen through symlinks, so a
    // checkout whose node_modules is a link bundles to the same bytes.
    preserveSymlinks: true,
    charset: "utf8",
    // License comments stay in the single module (at its end) instead of a side file.
    legalComments: "eof",
    sourcemap: false,
    minifySyntax: true,
    minifyWhitespace: true,
    treeShaking: true,
    banner: { js: denoCompatBanner },
    plugins: [denoCompatPlugin()],
    metafile: true,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${source.entry}`);
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
  return { bytes: output.contents, externalImports: [...new Set(externalImports)].sort() };
}

/** Bundles `source` into the content of its artifact, in memory. */
export async function bundleContent(
  source: SupabaseFunctionSource,
  repositoryRoot: string,
): Promise<ArtifactContent> {
  const { bytes } = await bundleSource(source, repositoryRoot);
  return {
    name: source.name,
    entrypoint: bundledEntrypoint,
    verifyJwt: source.verifyJwt,
    files: [{ path: bundledEntrypoint, bytes }],
  };
}

/** Bundles `source` and writes `index.js` + `manifest.json` to `options.outputDirectory`. */
export async function bundleFunction(
  source: SupabaseFunctionSource,
  options: BundleFunctionOptions,
): Promise<ArtifactManifest> {
  return writeArtifact(
    options.outputDirectory,
    await bundleContent(source, options.repositoryRoot),
  );
}
