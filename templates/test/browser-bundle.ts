import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Bundles an app template for the browser with the real SDKs from this repository's
 * node_modules, the way Next.js builds it: `process.env.NAME` is replaced by the value in
 * `environment` at build time. The template's exports become `window[globalName]`.
 */
export async function bundleTemplateForBrowser(
  templatePath: string,
  globalName: string,
  environment: Record<string, string>,
  edit: (source: string) => string = (source) => source,
): Promise<string> {
  const define: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment))
    define[`process.env.${name}`] = JSON.stringify(value);
  const result = await build({
    stdin: {
      contents: edit(readFileSync(templatePath, "utf8")),
      loader: "ts",
      resolveDir: join(__dirname, "..", ".."),
      sourcefile: templatePath,
    },
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    globalName,
    target: "es2022",
    define,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no bundle for ${templatePath}`);
  return output.text;
}
