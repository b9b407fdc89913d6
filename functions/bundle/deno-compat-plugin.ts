// esbuild plugin that keeps what Deno (and Supabase's Edge Runtime, which is Deno) must resolve
// itself out of the bundle: `node:` built-ins, `npm:`/`jsr:`/`https:` specifiers. Bare built-in
// names (`events`, `net`) written by npm packages are rewritten to `node:` because Deno rejects
// bare built-in specifiers in ES modules.
import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

const builtins = new Set(builtinModules.filter((name) => !name.startsWith("_")));

/** Specifier schemes left for the runtime to resolve. */
export const runtimeResolvedSchemes = ["node:", "npm:", "jsr:", "https:", "http:"] as const;

/**
 * Bare specifiers allowed to stay unresolved: optional packages that a dependency imports inside
 * try/catch and only for a feature the functions do not use. `@node-rs/xxhash` is an optional peer
 * of `@redis/client`, needed only by its `digest()` helper.
 */
export const optionalUnbundledImports: readonly string[] = ["@node-rs/xxhash"];

/** Builds the plugin. */
export function denoCompatPlugin(): Plugin {
  return {
    name: "deno-compat",
    setup(build) {
      build.onResolve({ filter: /^(node|npm|jsr|https?):/ }, (args) => ({
        path: args.path,
        external: true,
      }));
      build.onResolve({ filter: /^[a-z_][a-z0-9_]*(\/[a-z0-9_/]+)?$/ }, (args) => {
        const root = args.path.split("/")[0];
        if (!builtins.has(root) && !builtins.has(args.path)) return undefined;
        return { path: `node:${args.path}`, external: true };
      });
    },
  };
}

/**
 * Prepended to every bundle. CommonJS dependencies call `require()` for built-ins, which an ES
 * module does not have; `createRequire` gives them Node's. `Buffer` and `process` are globals for
 * npm packages in Deno but not for user code, which is what inlined packages become.
 */
export const denoCompatBanner = [
  'import { createRequire as __bundleCreateRequire } from "node:module";',
  'import { Buffer as __bundleBuffer } from "node:buffer";',
  'import __bundleProcess from "node:process";',
  "const require = __bundleCreateRequire(import.meta.url);",
  "globalThis.Buffer ??= __bundleBuffer;",
  "globalThis.process ??= __bundleProcess;",
].join("\n");
