// Obtains each dynamic resource's real `__provider`: a child process loads the Supabase components
// the way the language host loads the program (capture-entry.cjs: ts-node, CommonJS) and constructs
// them under the SDK's mock runtime, which runs the SDK's own closure serializer. The result is the
// code the engine would store in the state and send to the dynamic provider host.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { CaptureRequest, CaptureResult, CapturedResource } from "./capture-request";

const run = promisify(execFile);

/** Type token of the `SupabaseSecrets` dynamic resource. */
export const secretsResourceType = "pulumi-nodejs:dynamic/supabase:Secrets";
/** Type token of the `SupabaseFunctionDeployment` dynamic resource. */
export const functionDeploymentResourceType = "pulumi-nodejs:dynamic/supabase:FunctionDeployment";
/** Type token of the `SupabaseMigrations` dynamic resource. */
export const migrationsResourceType = "pulumi-nodejs:dynamic/supabase:Migrations";

/** Type token of the `SupabaseWorkerWakeUp` dynamic resource. */
export const workerWakeUpResourceType = "pulumi-nodejs:dynamic/supabase:WorkerWakeUp";

/** The registrations of one capture, by type token. */
export interface SerializedProviders {
  /** Every registration, in order. */
  resources: CapturedResource[];
  /**
   * The one registration of a type; throws naming the type when it is missing.
   * @param type - a type token, e.g. {@link secretsResourceType}.
   */
  ofType(type: string): CapturedResource;
}

/**
 * Runs the capture child and returns what the mock resource monitor received.
 * @param request - the component arguments.
 * @param programDirectory - the working directory, as for the program.
 */
export async function captureSerializedProviders(
  request: CaptureRequest,
  programDirectory: string,
): Promise<SerializedProviders> {
  const scratch = await mkdtemp(path.join(tmpdir(), "provider-capture-"));
  try {
    const requestFile = path.join(scratch, "request.json");
    const resultFile = path.join(scratch, "result.json");
    await writeFile(requestFile, JSON.stringify(request));
    try {
      await run(
        process.execPath,
        [path.join(__dirname, "capture-entry.cjs"), requestFile, resultFile],
        {
          cwd: programDirectory,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      throw new Error(`capturing the serialized providers failed: ${stderr || String(error)}`);
    }
    const result = JSON.parse(await readFile(resultFile, "utf8")) as CaptureResult;
    return {
      resources: result.resources,
      ofType(type) {
        const match = result.resources.find((resource) => resource.type === type);
        if (!match) {
          const seen = result.resources.map((resource) => resource.type).join(", ");
          throw new Error(`no ${type} was registered (registered: ${seen || "none"})`);
        }
        return match;
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
