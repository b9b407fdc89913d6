// esbuild plugin that keeps what Deno (and Supabase's Edge Runtime, which is Deno) must resolve
// itself out of the bundle: `node:` built-ins, `npm:`/`jsr:`/`https:` specifiers. Bare built-in
// names (`events`, `net`) written by npm packages are rewritten to `node:` because Deno rejects
// bare built-in specifiers in ES modules.
//
// A CommonJS dependency's `require()` of a built-in becomes a small module that calls
// `__bundleRequire` (Node's `require`, from `createRequire`), instead of esbuild's own `__require`
// helper: that helper lands in a chunk shared with the entry, while `__bundleRequire` is referenced
// only from the chunks that need it. {@link needsCompatBanner} finds those chunks, and only they get
// {@link denoCompatBanner}: loading `node:module` or `node:process` costs tens of milliseconds under
// Deno, which the cold start of a gateway that never loads its Redis client should not pay.
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

/** Namespace of the modules standing in for `require()` of a built-in. */
const requiredBuiltinNamespace = "deno-compat-require";

/** Identifier the banner binds to Node's `require`; stand-in modules call it. */
const bundleRequire = "__bundleRequire";

/** Builds the plugin. */
export function denoCompatPlugin(): Plugin {
  return {
    name: "deno-compat",
    setup(build) {
      build.onResolve({ filter: /^(node|npm|jsr|https?):/ }, (args) =>
        args.kind === "require-call" && args.path.startsWith("node:")
          ? { path: args.path, namespace: requiredBuiltinNamespace }
          : { path: args.path, external: true },
      );
      build.onResolve({ filter: /^[a-z_][a-z0-9_]*(\/[a-z0-9_/]+)?$/ }, (args) => {
        const root = args.path.split("/")[0];
        if (!builtins.has(root) && !builtins.has(args.path)) return undefined;
        const specifier = `node:${args.path}`;
        return args.kind === "require-call"
          ? { path: specifier, namespace: requiredBuiltinNamespace }
          : { path: specifier, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: requiredBuiltinNamespace }, (args) => ({
        contents: `module.exports = ${bundleRequire}(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * The built-ins that CommonJS dependencies `require()`, from a build's metafile inputs (the
 * stand-in modules' ids are `<namespace>:<specifier>`), sorted.
 */
export function requiredBuiltins(inputs: readonly string[]): string[] {
  const prefix = `${requiredBuiltinNamespace}:`;
  return inputs
    .filter((input) => input.startsWith(prefix))
    .map((input) => input.slice(prefix.length))
    .sort();
}

/**
 * Whether an output file needs {@link denoCompatBanner}: it calls a built-in's stand-in, or it
 * still mentions `require` in some other form (esbuild's `__require` helper for a `require` it
 * could not resolve statically), which the banner's `require` serves as it did in a single file.
 */
export function needsCompatBanner(code: string): boolean {
  return code.includes(`${bundleRequire}(`) || /(?<![\w$])require(?![\w$])/.test(code);
}

/**
 * Prepended to each output file that {@link needsCompatBanner}. CommonJS dependencies call
 * `require()` for built-ins, which an ES module does not have; `createRequire` gives them Node's.
 * `Buffer` and `process` are set for runtimes that only give them to npm packages (Deno 2 makes them
 * globals for all code).
 */
export const denoCompatBanner = [
  'import { createRequire as __bundleCreateRequire } from "node:module";',
  'import { Buffer as __bundleBuffer } from "node:buffer";',
  'import __bundleProcess from "node:process";',
  "const require = __bundleCreateRequire(import.meta.url);",
  `const ${bundleRequire} = require;`,
  "globalThis.Buffer ??= __bundleBuffer;",
  "globalThis.process ??= __bundleProcess;",
  "",
].join("\n");
