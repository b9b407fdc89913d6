/**
 * The static definition sets served by the edge-cache Worker, read from `templates/definitions/`.
 * The Pulumi EdgeCache component and `npm start` both seed KV from here, so production and the
 * local platform serve the same bytes.
 *
 * Runs in Node only (Pulumi program, `npm start`, tests); the Worker itself never imports it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Folder holding one `<name>.json` file per definition set. */
export const DEFINITIONS_DIRECTORY = resolve(__dirname, "../../templates/definitions");

/** Options for {@link readDefinitions}. */
export interface ReadDefinitionsOptions {
  /**
   * Folder to read `<name>.json` files from.
   * @default DEFINITIONS_DIRECTORY (`templates/definitions/` in this repository)
   */
  directory?: string;
}

// Becomes a KV key and a URL path segment (`/definitions/<name>`): keep it URL-safe. The Worker
// applies the same rule to incoming paths.
const DEFINITION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Reads every `<name>.json` file of the definitions folder.
 *
 * @returns KV key (file name without `.json`) -> the file's exact text, sorted by key so the
 *   resources a Pulumi program derives from it are stable.
 * @throws when a file is not valid JSON or its name cannot be a KV key, naming the file.
 */
export function readDefinitions(options: ReadDefinitionsOptions = {}): Record<string, string> {
  const directory = options.directory ?? DEFINITIONS_DIRECTORY;
  const fileNames = readdirSync(directory)
    .filter((fileName) => fileName.endsWith(".json"))
    .sort();

  const definitions: Record<string, string> = {};
  for (const fileName of fileNames) {
    const path = join(directory, fileName);
    const name = fileName.slice(0, -".json".length);
    if (!DEFINITION_NAME.test(name)) {
      throw new Error(
        `${path}: definition file names must match ${DEFINITION_NAME} (they become URL paths), got "${name}"`,
      );
    }
    const text = readFileSync(path, "utf8");
    try {
      JSON.parse(text);
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    definitions[name] = text;
  }
  return definitions;
}
