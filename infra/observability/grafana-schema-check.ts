import { join } from "node:path";
import ts from "typescript";

const repositoryRoot = join(__dirname, "..", "..");

/**
 * Checks a dashboard's JSON against Grafana's own dashboard schema, as published in
 * `@grafana/schema` (TypeScript types generated from Grafana's CUE schema): the JSON is compiled
 * as an object literal typed `Dashboard`, so a missing required field, a wrong type or an unknown
 * key is a compile error. Returns the compiler's messages; none means valid.
 */
export function checkDashboardSchema(dashboardJson: string): string[] {
  const fileName = join(repositoryRoot, "infra", "observability", "__dashboard-schema-check__.ts");
  // JSON holds an enum's value, never the enum: `${E}` turns each string enum of the schema into
  // the union of its values, everything else is kept.
  const source = [
    `import type { Dashboard } from "@grafana/schema";`,
    "type Json<T> = T extends string ? `${T}` : T extends readonly (infer U)[] ? Json<U>[] :",
    "  T extends object ? { [K in keyof T]: Json<T[K]> } : T;",
    `export const dashboard: Json<Dashboard> = ${dashboardJson};`,
  ].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}
