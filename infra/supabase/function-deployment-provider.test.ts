import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ArtifactManifest } from "../../functions/bundle/manifest";
import { writeArtifact } from "../../functions/bundle/write-artifact";
import {
  startManagementApiServer,
  type ManagementApiServer,
} from "../../test/supabase/management-api-server";
import { providerConfig } from "../../test/supabase/provider-config";
import { accessTokenConfigKey } from "./access-token";
import {
  createFunctionDeploymentProvider,
  foreignArtifactSha256,
  type FunctionDeploymentInputs,
  type FunctionDeploymentOutputs,
} from "./function-deployment-provider";

const accessToken = "sbp_deploy_provider_token";
const projectRef = "deployref";
const slug = "llm-gateway";

// Configured as the dynamic provider host configures it: with the stack's token.
const functionDeploymentProvider = createFunctionDeploymentProvider();
let server: ManagementApiServer;
let workspace: string;

beforeAll(async () => {
  server = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
  await functionDeploymentProvider.configure!({
    config: providerConfig({ [accessTokenConfigKey]: accessToken }),
  });
  workspace = await mkdtemp(path.join(tmpdir(), "function-deployment-"));
});

afterAll(async () => {
  await server.stop();
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(() => {
  server.clearRequests();
  server.functions.get(projectRef)?.clear();
});

async function artifact(source: string, folder = "first"): Promise<ArtifactManifest> {
  return writeArtifact(path.join(workspace, folder), {
    name: slug,
    entrypoint: "index.js",
    verifyJwt: false,
    files: [{ path: "index.js", bytes: new TextEncoder().encode(source) }],
  });
}

function inputs(manifest: ArtifactManifest, folder = "first"): FunctionDeploymentInputs {
  return {
    apiUrl: server.url,
    accessToken,
    projectRef,
    slug,
    artifactSha256: manifest.sha256,
    artifactDirectory: path.join(workspace, folder),
    verifyJwt: false,
  };
}

async function deployed(manifest: ArtifactManifest): Promise<FunctionDeploymentOutputs> {
  const result = await functionDeploymentProvider.create(inputs(manifest));
  server.clearRequests();
  return result.outs as FunctionDeploymentOutputs;
}

function uploads(): number {
  return server.requests.filter((request) => request.path.endsWith("/functions/deploy")).length;
}

describe("functionDeploymentProvider.create", () => {
  it("uploads multipart metadata and the artifact's files to the deploy endpoint", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');

    await functionDeploymentProvider.create(inputs(manifest));

    const upload = server.requests.find((request) => request.method === "POST");
    expect(upload?.path).toBe(`/v1/projects/${projectRef}/functions/deploy`);
    expect(upload?.query).toEqual({ slug });
    expect(upload?.body).toEqual({
      metadata: { entrypoint_path: "index.js", name: slug, verify_jwt: false },
      files: [{ name: "index.js", size: manifest.files[0].size, sha256: manifest.files[0].sha256 }],
    });
  });

  it("records the version and id Supabase assigned", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');

    const result = await functionDeploymentProvider.create(inputs(manifest));

    expect(result.id).toBe(`${projectRef}/${slug}`);
    expect(result.outs).toMatchObject({
      version: 1,
      status: "ACTIVE",
      functionId: server.functions.get(projectRef)?.get(slug)?.id,
      artifactSha256: manifest.sha256,
    });
  });

  it("refuses an artifact whose files no longer match its manifest", async () => {
    const manifest = await artifact("export {};", "tampered");
    await writeFile(path.join(workspace, "tampered", "index.js"), "export const injected = 1;");

    await expect(functionDeploymentProvider.create(inputs(manifest, "tampered"))).rejects.toThrow(
      "does not match",
    );
    expect(uploads()).toBe(0);
  });

  it("refuses a directory holding another artifact than the pinned hash", async () => {
    const manifest = await artifact("export {};", "other");

    await expect(
      functionDeploymentProvider.create({
        ...inputs(manifest, "other"),
        artifactSha256: "0".repeat(64),
      }),
    ).rejects.toThrow(`describes artifact ${manifest.sha256}, expected ${"0".repeat(64)}`);
  });
});

describe("functionDeploymentProvider.check", () => {
  it("rejects a slug that does not start with a letter, quoting it", async () => {
    const manifest = await artifact("export {};");
    const news = { ...inputs(manifest), slug: "1-gateway" };

    const result = await functionDeploymentProvider.check!(news, news);

    expect(result.failures).toEqual([
      {
        property: "slug",
        reason: expect.stringContaining('slug "1-gateway" must start with a letter'),
      },
    ]);
  });

  it("rejects an artifact hash that is not 64 hex digits", async () => {
    const manifest = await artifact("export {};");
    const news = { ...inputs(manifest), artifactSha256: "latest" };

    const result = await functionDeploymentProvider.check!(news, news);

    expect(result.failures?.map((failure) => failure.property)).toEqual(["artifactSha256"]);
  });
});

describe("functionDeploymentProvider.diff", () => {
  it("reports no change and uploads nothing for the same hash", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(manifest));

    expect(result.changes).toBe(false);
    expect(uploads()).toBe(0);
  });

  it("records the live code hash Supabase reports after a deploy", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));

    const live = server.functions.get(projectRef)?.get(slug);
    expect(olds.liveSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(live?.files.length).toBeGreaterThan(0);
  });

  it("reports a change when the live code hash moved without a new version (an out-of-band rollback)", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);
    const live = server.functions.get(projectRef)?.get(slug);
    if (!live) throw new Error("the function was not deployed");
    live.files = [{ ...live.files[0]!, sha256: "0".repeat(64) }];

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(manifest));

    expect(result.changes).toBe(true);
  });

  it("reports a change for a new artifact hash", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));
    const changed = await artifact('Deno.serve(() => new Response("two"));', "second");

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(changed, "second"));

    expect(result.changes).toBe(true);
  });

  it("reports a change when verify_jwt changes", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);

    const result = await functionDeploymentProvider.diff!("id", olds, {
      ...inputs(manifest),
      verifyJwt: true,
    });

    expect(result.changes).toBe(true);
  });

  it("ignores a move of the artifact directory", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);

    const result = await functionDeploymentProvider.diff!("id", olds, {
      ...inputs(manifest),
      artifactDirectory: ".artifacts/llm-gateway/elsewhere",
    });

    expect(result.changes).toBe(false);
  });

  it("reports a change when the function was deleted outside Pulumi", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);
    server.functions.get(projectRef)?.delete(slug);

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(manifest));

    expect(result.changes).toBe(true);
  });

  it("reports a change when verify_jwt was changed outside Pulumi", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);
    const live = server.functions.get(projectRef)?.get(slug);
    if (live) live.verifyJwt = true;

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(manifest));

    expect(result.changes).toBe(true);
  });

  it("reports a change when the function was redeployed outside Pulumi", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);
    const live = server.functions.get(projectRef)?.get(slug);
    if (live) live.version += 1;

    const result = await functionDeploymentProvider.diff!("id", olds, inputs(manifest));

    expect(result.changes).toBe(true);
  });

  it("replaces the function when the slug changes", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    const olds = await deployed(manifest);

    const result = await functionDeploymentProvider.diff!("id", olds, {
      ...inputs(manifest),
      slug: "llm-gateway-v2",
    });

    expect(result.replaces).toEqual(["slug"]);
  });
});

describe("functionDeploymentProvider.read", () => {
  it("reports the function gone after it was deleted outside Pulumi", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));
    server.functions.get(projectRef)?.delete(slug);

    const result = await functionDeploymentProvider.read!("id", olds);

    expect(result.id ?? "").toBe("");
  });

  it("marks the artifact unknown after a deploy outside Pulumi", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));
    const live = server.functions.get(projectRef)?.get(slug);
    if (live) live.version += 1;

    const result = await functionDeploymentProvider.read!("id", olds);

    expect(result.props?.artifactSha256).toBe(foreignArtifactSha256);
  });

  it("keeps the access token out of the refreshed state", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));

    const result = await functionDeploymentProvider.read!("id", olds);

    expect(JSON.stringify(result.props)).not.toContain(accessToken);
  });
});

describe("functionDeploymentProvider.update", () => {
  it("uploads the new artifact as the next version", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));
    const changed = await artifact('Deno.serve(() => new Response("two"));', "second");

    const result = await functionDeploymentProvider.update!("id", olds, inputs(changed, "second"));

    expect(uploads()).toBe(1);
    expect(result.outs?.version).toBe(2);
    expect(server.functions.get(projectRef)?.get(slug)?.files[0].text).toContain('"two"');
  });
});

describe("functionDeploymentProvider.delete", () => {
  it("deletes the function by slug", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));

    await functionDeploymentProvider.delete!("id", olds);

    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `DELETE /v1/projects/${projectRef}/functions/${slug}`,
    ]);
    expect(server.functions.get(projectRef)?.has(slug)).toBe(false);
  });

  it("treats an already deleted function as deleted", async () => {
    const olds = await deployed(await artifact('Deno.serve(() => new Response("one"));'));
    server.functions.get(projectRef)?.delete(slug);

    await expect(functionDeploymentProvider.delete!("id", olds)).resolves.toBeUndefined();
  });
});

describe("functionDeploymentProvider errors", () => {
  it("surfaces a 401 naming the deploy endpoint", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');

    await expect(
      functionDeploymentProvider.create({ ...inputs(manifest), accessToken: "sbp_revoked" }),
    ).rejects.toThrow(`POST /v1/projects/${projectRef}/functions/deploy?slug=${slug} answered 401`);
  });

  it("surfaces a 404 for an unknown project", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');

    await expect(
      functionDeploymentProvider.create({ ...inputs(manifest), projectRef: "missingref" }),
    ).rejects.toThrow("answered 404: not found; check `platform:supabase.projectRef`");
  });

  it("deploys after a 429 once Retry-After has passed", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    server.injectFault({
      path: /\/functions\/deploy$/,
      status: 429,
      headers: { "retry-after": "0" },
    });

    const result = await functionDeploymentProvider.create(inputs(manifest));

    expect(uploads()).toBe(2);
    expect(result.outs?.version).toBe(1);
  });

  it("surfaces a 502 from the deploy endpoint", async () => {
    const manifest = await artifact('Deno.serve(() => new Response("one"));');
    server.injectFault({ path: /\/functions\/deploy$/, status: 502 });

    await expect(functionDeploymentProvider.create(inputs(manifest))).rejects.toThrow(
      "answered 502: the Management API failed",
    );
  });
});
