import { describe, expect, it } from "vitest";
import type { RecordedResource } from "./recording-mocks";
import { formatValue, planToJson, renderPlanText, type Plan } from "./render";

function resource(overrides: Partial<RecordedResource>): RecordedResource {
  return {
    urn: "urn:pulumi:staging::ai-platform::pulumi:pulumi:Stack::ai-platform-staging",
    type: "pulumi:pulumi:Stack",
    name: "ai-platform-staging",
    parent: undefined,
    custom: false,
    read: false,
    protect: false,
    provider: undefined,
    additionalSecretOutputs: [],
    inputs: {},
    redactedInputs: {},
    secretInputs: [],
    ...overrides,
  };
}

const stack = resource({});
const component = resource({
  urn: "urn:pulumi:staging::ai-platform::platform:index:CacheStore::cache",
  type: "platform:index:CacheStore",
  name: "cache",
  parent: stack.urn,
});
const database = resource({
  urn: "urn:pulumi:staging::ai-platform::platform:index:CacheStore$upstash:index/redisDatabase:RedisDatabase::cache-database",
  type: "upstash:index/redisDatabase:RedisDatabase",
  name: "cache-database",
  parent: component.urn,
  custom: true,
  protect: true,
  inputs: { region: "global", password: "hunter2" },
  redactedInputs: { region: "global", password: "[secret]", __provider: "[dynamic provider]" },
  secretInputs: ["password"],
});

const plan: Plan = {
  stack: "staging",
  stackFile: "Pulumi.staging.yaml",
  resources: [stack, component, database],
  outputs: { gatewayUrl: "https://x", redisRestToken: "[unknown]" },
  secretsNotSet: ["cloudflare:apiToken"],
};

describe("formatValue", () => {
  it("prints markers bare", () => {
    expect(formatValue("[secret]")).toBe("[secret]");
  });

  it("prints other values as JSON", () => {
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it("shortens long values and gives their size", () => {
    expect(formatValue("x".repeat(500))).toMatch(/^"x{79}\.\.\. \(502 characters\)$/);
  });
});

describe("renderPlanText", () => {
  const text = renderPlanText(plan);

  it("nests a child under its parent", () => {
    expect(text).toContain(
      "└─ platform:index:CacheStore  cache\n   └─ upstash:index/redisDatabase:RedisDatabase  cache-database  [protected]",
    );
  });

  it("flags a resource that is read, not created", () => {
    const read = resource({ urn: "urn:read", type: "x:y:Z", name: "existing", read: true });
    expect(renderPlanText({ ...plan, resources: [read] })).toContain(
      "x:y:Z  existing  [read, not created]",
    );
  });

  it("prints inputs with secrets redacted", () => {
    expect(text).toContain("password: [secret]");
  });

  it("never prints the secret's value", () => {
    expect(text).not.toContain("hunter2");
  });

  it("shows a dynamic provider's code as a marker", () => {
    expect(text).toContain("__provider: [dynamic provider]");
  });

  it("prints the outputs", () => {
    expect(text).toContain('  gatewayUrl: "https://x"\n  redisRestToken: [unknown]');
  });

  it("counts resources and protected ones", () => {
    expect(text).toContain("3 resources (1 protected) would be registered.");
  });

  it("gives the command for each secret not set", () => {
    expect(text).toContain("  pulumi config set --secret cloudflare:apiToken --stack staging");
  });
});

describe("planToJson", () => {
  it("uses redacted inputs and a null parent for the stack", () => {
    expect(planToJson(plan).resources[0]).toEqual({
      urn: stack.urn,
      type: "pulumi:pulumi:Stack",
      name: "ai-platform-staging",
      parent: null,
      protect: false,
      inputs: {},
      secretInputs: [],
    });
  });

  it("never carries plaintext inputs", () => {
    expect(JSON.stringify(planToJson(plan))).not.toContain("hunter2");
  });
});
