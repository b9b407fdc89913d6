import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  sha256Hex,
  startManagementApiServer,
  type ManagementApiServer,
} from "../../test/supabase/management-api-server";
import { providerConfig } from "../../test/supabase/provider-config";
import { accessTokenConfigKey } from "./access-token";
import {
  createSecretsProvider,
  type SecretsProviderInputs,
  type SecretsProviderOutputs,
} from "./secrets-provider";

const accessToken = "sbp_secrets_provider_token";
const projectRef = "secretsref";
const secretsPath = `/v1/projects/${projectRef}/secrets`;

// Configured as the dynamic provider host configures it: with the stack's token.
const secretsProvider = createSecretsProvider();
let server: ManagementApiServer;

beforeAll(async () => {
  server = await startManagementApiServer({ accessToken, projectRefs: [projectRef] });
  await secretsProvider.configure!({
    config: providerConfig({ [accessTokenConfigKey]: accessToken }),
  });
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  server.clearRequests();
  server.secrets.get(projectRef)?.clear();
});

function inputs(values: Record<string, string>): SecretsProviderInputs {
  return { apiUrl: server.url, accessToken, projectRef, values };
}

function live(): Map<string, string> {
  const secrets = server.secrets.get(projectRef);
  if (!secrets) throw new Error("project missing from the loopback server");
  return secrets;
}

async function created(values: Record<string, string>): Promise<SecretsProviderOutputs> {
  const result = await secretsProvider.create(inputs(values));
  server.clearRequests();
  return result.outs as SecretsProviderOutputs;
}

function writes(): string[] {
  return server.requests
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.path}`);
}

describe("secretsProvider.check", () => {
  it("rejects a reserved SUPABASE_ name, quoting it", async () => {
    const result = await secretsProvider.check!(
      inputs({ SUPABASE_URL: "x" }),
      inputs({ SUPABASE_URL: "x" }),
    );

    expect(result.failures).toEqual([
      {
        property: "values.SUPABASE_URL",
        reason: expect.stringContaining(
          'secret "SUPABASE_URL" uses the reserved prefix "SUPABASE_"',
        ),
      },
    ]);
  });

  it("rejects a name that is not an environment variable name", async () => {
    const result = await secretsProvider.check!(
      inputs({ "LLM-ROUTES": "{}" }),
      inputs({ "LLM-ROUTES": "{}" }),
    );

    expect(result.failures?.[0].reason).toContain('secret "LLM-ROUTES" is not a valid');
  });

  it("accepts ordinary names", async () => {
    const result = await secretsProvider.check!(
      inputs({ LLM_ROUTES: "{}" }),
      inputs({ LLM_ROUTES: "{}" }),
    );

    expect(result.failures).toEqual([]);
  });
});

describe("secretsProvider.create", () => {
  it("sets every value in one bulk POST", async () => {
    await secretsProvider.create(inputs({ OPENAI_API_KEY: "sk-one", LLM_DAILY_CAP_USD: "25" }));

    const posts = server.requests.filter((request) => request.method === "POST");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual([
      { name: "LLM_DAILY_CAP_USD", value: "25" },
      { name: "OPENAI_API_KEY", value: "sk-one" },
    ]);
    expect(Object.fromEntries(live())).toEqual({
      OPENAI_API_KEY: "sk-one",
      LLM_DAILY_CAP_USD: "25",
    });
  });

  it("returns names and digests but no value", async () => {
    const result = await secretsProvider.create(inputs({ OPENAI_API_KEY: "sk-plaintext" }));

    expect(result.outs).toEqual({
      apiUrl: server.url,
      projectRef,
      names: ["OPENAI_API_KEY"],
      digests: { OPENAI_API_KEY: sha256Hex("sk-plaintext") },
    });
    expect(JSON.stringify(result.outs)).not.toContain("sk-plaintext");
  });

  it("leaves secrets it does not manage untouched", async () => {
    live().set("MANUAL_FLAG", "on");

    await secretsProvider.create(inputs({ OPENAI_API_KEY: "sk-one" }));

    expect(live().get("MANUAL_FLAG")).toBe("on");
  });
});

describe("secretsProvider.diff", () => {
  it("reports no change when the live digests match", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });

    const result = await secretsProvider.diff!("id", olds, inputs({ OPENAI_API_KEY: "sk-one" }));

    expect(result.changes).toBe(false);
    expect(writes()).toEqual([]);
  });

  it("reports drift when a value was changed out of band", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    live().set("OPENAI_API_KEY", "sk-edited-in-dashboard");

    const result = await secretsProvider.diff!("id", olds, inputs({ OPENAI_API_KEY: "sk-one" }));

    expect(result.changes).toBe(true);
  });

  it("reports a change when a managed secret is dropped from the inputs", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one", POSTHOG_KEY: "phc" });

    const result = await secretsProvider.diff!("id", olds, inputs({ OPENAI_API_KEY: "sk-one" }));

    expect(result.changes).toBe(true);
  });

  it("replaces the resource when the project changes", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });

    const result = await secretsProvider.diff!("id", olds, {
      ...inputs({ OPENAI_API_KEY: "sk-one" }),
      projectRef: "otherref",
    });

    expect(result.replaces).toEqual(["projectRef"]);
  });
});

describe("secretsProvider.update", () => {
  it("repairs drift by setting only the drifted secret", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one", POSTHOG_KEY: "phc" });
    live().set("OPENAI_API_KEY", "sk-edited-in-dashboard");

    await secretsProvider.update!(
      "id",
      olds,
      inputs({ OPENAI_API_KEY: "sk-one", POSTHOG_KEY: "phc" }),
    );

    const posts = server.requests.filter((request) => request.method === "POST");
    expect(posts.map((request) => request.body)).toEqual([
      [{ name: "OPENAI_API_KEY", value: "sk-one" }],
    ]);
    expect(live().get("OPENAI_API_KEY")).toBe("sk-one");
  });

  it("unsets a managed secret removed from the inputs with a bulk DELETE", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one", POSTHOG_KEY: "phc" });

    const result = await secretsProvider.update!("id", olds, inputs({ OPENAI_API_KEY: "sk-one" }));

    const deletes = server.requests.filter((request) => request.method === "DELETE");
    expect(deletes.map((request) => request.body)).toEqual([["POSTHOG_KEY"]]);
    expect(live().has("POSTHOG_KEY")).toBe(false);
    expect(result.outs?.names).toEqual(["OPENAI_API_KEY"]);
  });

  it("never unsets a secret it did not set", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    live().set("MANUAL_FLAG", "on");

    await secretsProvider.update!("id", olds, inputs({ OPENAI_API_KEY: "sk-two" }));

    expect(live().get("MANUAL_FLAG")).toBe("on");
    expect(server.requests.some((request) => request.method === "DELETE")).toBe(false);
  });
});

describe("secretsProvider.read", () => {
  it("refreshes digests from the API", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    live().set("OPENAI_API_KEY", "sk-edited");

    const result = await secretsProvider.read!("id", olds);

    expect(result.props?.digests).toEqual({ OPENAI_API_KEY: sha256Hex("sk-edited") });
  });

  it("reports the resource gone when every managed secret was unset out of band", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    live().clear();

    const result = await secretsProvider.read!("id", olds);

    expect(result.id ?? "").toBe("");
  });

  it("uses the configured token, not one left in state by an earlier version", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });

    await secretsProvider.read!("id", { ...olds, accessToken: "sbp_revoked" } as typeof olds);

    expect(server.requests.every((request) => request.authorized)).toBe(true);
  });

  it("drops a token left in state by an earlier version", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });

    const result = await secretsProvider.read!("id", {
      ...olds,
      accessToken: "sbp_revoked",
    } as typeof olds);

    expect(JSON.stringify(result.props)).not.toContain("sbp_revoked");
  });
});

describe("secretsProvider.delete", () => {
  it("unsets exactly the managed names", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one", POSTHOG_KEY: "phc" });
    live().set("MANUAL_FLAG", "on");

    await secretsProvider.delete!("id", olds);

    expect(writes()).toEqual([`DELETE ${secretsPath}`]);
    expect(server.requests.find((request) => request.method === "DELETE")?.body).toEqual([
      "OPENAI_API_KEY",
      "POSTHOG_KEY",
    ]);
    expect([...live().keys()]).toEqual(["MANUAL_FLAG"]);
  });

  it("succeeds without a write when the secrets are already gone", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    live().clear();

    await secretsProvider.delete!("id", olds);

    expect(writes()).toEqual([]);
  });

  it("fails with the endpoint and status on a 5xx", async () => {
    const olds = await created({ OPENAI_API_KEY: "sk-one" });
    server.injectFault({ method: "DELETE", path: /\/secrets$/, status: 500 });

    await expect(secretsProvider.delete!("id", olds)).rejects.toThrow(
      `DELETE ${secretsPath} answered 500`,
    );
  });
});
