// Runs in the capture child, after capture-entry.cjs registered ts-node as the language host does.
// Constructs each dynamic resource the program uses under the SDK's mock runtime and writes what the
// resource monitor received, including `__provider`: the code the engine would store in the state
// and hand to the dynamic provider host.
import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { SupabaseFunctionDeployment } from "../supabase/function-deployment";
import { SupabaseMigrations } from "../supabase/migrations";
import { SupabaseSecrets } from "../supabase/secrets";
import { SupabaseWorkerWakeUp } from "../supabase/worker-wake-up";
import type { CaptureRequest, CaptureResult, CapturedResource } from "./capture-request";

interface SecretWrapper {
  [key: string]: unknown;
  value?: unknown;
}

/** Unwraps Pulumi secret signatures, reporting whether any were found. */
function unwrap(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(unwrap);
    return { value: items.map((item) => item.value), secret: items.some((item) => item.secret) };
  }
  if (value === null || typeof value !== "object") return { value, secret: false };
  const record = value as SecretWrapper;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
    return { value: unwrap(record.value).value, secret: true };
  }
  const result: Record<string, unknown> = {};
  let secret = false;
  for (const [key, child] of Object.entries(record)) {
    const unwrapped = unwrap(child);
    result[key] = unwrapped.value;
    secret ||= unwrapped.secret;
  }
  return { value: result, secret };
}

/**
 * Constructs the resources and resolves with their registrations.
 * @param request - what to construct them with.
 */
export async function capture(request: CaptureRequest): Promise<CaptureResult> {
  const resources: CapturedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(resource) {
        const inputs: Record<string, unknown> = {};
        const secretInputs: string[] = [];
        for (const [key, value] of Object.entries(resource.inputs as Record<string, unknown>)) {
          const unwrapped = unwrap(value);
          inputs[key] = unwrapped.value;
          if (unwrapped.secret) secretInputs.push(key);
        }
        resources.push({
          type: resource.type,
          name: resource.name,
          urn: `urn:pulumi:${request.stack}::${request.project}::${resource.type}::${resource.name}`,
          inputs,
          secretInputs,
        });
        return { id: `${resource.name}-id`, state: resource.inputs };
      },
      call() {
        throw new Error("the Supabase resources make no provider calls");
      },
    },
    request.project,
    request.stack,
    false,
  );
  // The mocks only have to be in place before a resource is constructed: these modules register
  // nothing when they are evaluated, so they are imported statically (no `import()`, which
  // `module: nodenext` would leave to Node's ESM loader).
  const secrets = new SupabaseSecrets("provider-host-secrets", {
    apiUrl: request.apiUrl,
    accessToken: request.accessToken,
    projectRef: request.projectRef,
    values: request.values,
  });
  const deployment = new SupabaseFunctionDeployment("provider-host-function", {
    apiUrl: request.apiUrl,
    accessToken: request.accessToken,
    projectRef: request.projectRef,
    slug: request.slug,
    artifactSha256: request.artifactSha256,
    artifactDirectory: request.artifactDirectory,
    verifyJwt: request.verifyJwt,
  });
  const migrations = new SupabaseMigrations("provider-host-migrations", {
    apiUrl: request.apiUrl,
    accessToken: request.accessToken,
    projectRef: request.projectRef,
    migrationsDirectory: request.migrationsDirectory,
  });
  const wakeUp = new SupabaseWorkerWakeUp("provider-host-wake-up", {
    apiUrl: request.apiUrl,
    accessToken: request.accessToken,
    projectRef: request.projectRef,
    workerToken: request.workerToken,
  });
  // The id resolves once the mock monitor has answered the registration.
  await Promise.all(
    [secrets, deployment, migrations, wakeUp].map(
      (resource) => new Promise<void>((resolve) => resource.id.apply(() => resolve())),
    ),
  );
  return { resources };
}

/** Entry of the child: `capture-entry.cjs <request.json> <result.json>`. */
export async function main(requestFile: string, resultFile: string): Promise<void> {
  const request = JSON.parse(readFileSync(requestFile, "utf8")) as CaptureRequest;
  const result = await capture(request);
  writeFileSync(resultFile, JSON.stringify(result));
}
