/**
 * `npm run templates -- --stack NAME --out DIR` renders the app templates (eas.json, .env
 * examples, PostHog init for web and mobile, supabase/config.toml) with the values of
 * `Pulumi.NAME.yaml`, into DIR laid out like the app repository.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { renderTemplates } from "./render-templates";

const usage = "usage: npm run templates -- --stack NAME --out DIR";

function main(): number {
  let values: { stack?: string; out?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, out: { type: "string" } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (!values.stack || !values.out) {
    console.error(`${values.stack ? "--out" : "--stack"} is required\n${usage}`);
    return 2;
  }
  const root = resolve(__dirname, "..");
  let rendered: ReturnType<typeof renderTemplates>;
  try {
    rendered = renderTemplates(root, values.stack);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  const out = resolve(values.out);
  for (const file of rendered.files) {
    const path = join(out, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    console.log(`wrote ${path}`);
  }
  for (const warning of rendered.warnings) console.warn(`warning: ${warning}`);
  return 0;
}

process.exitCode = main();
