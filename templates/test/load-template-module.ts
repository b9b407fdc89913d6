import { transformSync } from "esbuild";
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";

/** What a template module sees as its world. */
export interface TemplateSandbox {
  /** Modules `require()` returns, by specifier; anything else throws. */
  modules: Record<string, unknown>;
  /** `process.env` of the module. */
  environment: Record<string, string>;
  /** Extra globals (e.g. `window` for browser code). */
  globals?: Record<string, unknown>;
}

/**
 * Compiles an app template (TypeScript for another repository, whose dependencies this
 * repository does not install) with esbuild and evaluates it in a fresh context, returning its
 * exports. The SDKs are stand-ins that record calls; everything else is the template's real code.
 */
export function loadTemplateModule(
  path: string,
  sandbox: TemplateSandbox,
): Record<string, unknown> {
  const { code } = transformSync(readFileSync(path, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "es2022",
  });
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string) => {
    if (!(specifier in sandbox.modules))
      throw new Error(`template requires unexpected module ${specifier}`);
    return sandbox.modules[specifier];
  };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require,
    process: { env: sandbox.environment },
    ...sandbox.globals,
  });
  return module.exports;
}
