import { join } from "node:path";

/** Absolute path of the repository root (this file lives in `test/support/`). */
export const repositoryRoot = join(__dirname, "..", "..");
