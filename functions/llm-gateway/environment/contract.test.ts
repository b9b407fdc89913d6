import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, loadGatewayConfig, type GatewayConfig } from "../config.ts";
import { gatewayEnvironment, pricesSchema, routesSchema } from "./contract.ts";
import {
  describeNumberRule,
  variableSchema,
  type NumberRule,
  type VariableDefinition,
} from "./rules.ts";

const functionsFolder = path.resolve(__dirname, "../..");
const variables: readonly VariableDefinition[] = Object.values(gatewayEnvironment);
const contractNames = new Set(variables.map((variable) => variable.name));
// Read by the entry (index.ts) only, for the listener; loadGatewayConfig leaves them alone.
const entryOnly = new Set(["PORT", "HOST", "SUPABASE_URL"]);

/** Every key loadGatewayConfig reads from the environment it is given. */
async function namesReadByConfig(): Promise<Set<string>> {
  const read = new Set<string>();
  const environment = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_target, key) {
        if (typeof key === "string") read.add(key);
        return undefined;
      },
    },
  );
  await loadGatewayConfig(environment);
  return read;
}

/** Gateway source files (no tests, no test helpers). */
function gatewaySources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === "test" ? [] : gatewaySources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/** Names read from an environment object, `Deno.env` or `process.env` anywhere in the source. */
function namesReadInSource(): Set<string> {
  const patterns = [
    /\benvironment\.([A-Z][A-Z0-9_]*)\b/g,
    /\benvironment\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\]/g,
    /\bDeno\.env\.get\(\s*["'`]([A-Z][A-Z0-9_]*)["'`]/g,
    /\bprocess\.env\.([A-Z][A-Z0-9_]*)\b/g,
  ];
  const names = new Set<string>();
  const files = [
    ...gatewaySources(path.join(functionsFolder, "llm-gateway")),
    ...gatewaySources(path.join(functionsFolder, "_shared")),
  ];
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) names.add(match[1] as string);
    }
  }
  return names;
}

async function configError(environment: Record<string, string>): Promise<string> {
  try {
    await loadGatewayConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "accepted";
}

const numberVariables = Object.entries(gatewayEnvironment).flatMap(([key, variable]) =>
  variable.rule.kind === "number" && !entryOnly.has(variable.name)
    ? [{ key: key as keyof GatewayConfig, variable: variable as VariableDefinition<NumberRule> }]
    : [],
);

describe("the contract covers the gateway", () => {
  it("lists every variable loadGatewayConfig reads", async () => {
    const unlisted = [...(await namesReadByConfig())].filter((name) => !contractNames.has(name));

    expect(unlisted).toEqual([]);
  });

  it("lists every variable the gateway's source reads", () => {
    const unlisted = [...namesReadInSource()].filter((name) => !contractNames.has(name));

    expect(unlisted).toEqual([]);
  });

  it("finds the entry's reads in the source scan", () => {
    expect([...namesReadInSource()]).toEqual(expect.arrayContaining([...entryOnly]));
  });

  it("has every variable but the entry's read by loadGatewayConfig", async () => {
    const read = await namesReadByConfig();
    const unread = [...contractNames].filter((name) => !entryOnly.has(name) && !read.has(name));

    expect(unread).toEqual([]);
  });

  it("gives each variable a distinct name", () => {
    expect(contractNames.size).toBe(variables.length);
  });
});

describe("the gateway's defaults", () => {
  it("are the contract's defaults", async () => {
    const config = await loadGatewayConfig({});
    const expected = Object.entries(gatewayEnvironment).flatMap(([key, variable]) =>
      "default" in variable && key in config ? [[key, variable.default]] : [],
    );

    expect(expected.map(([key]) => [key, config[key as keyof GatewayConfig]])).toEqual(expected);
  });

  it("are the seeds' breaker, timeout and retry figures", async () => {
    expect(await loadGatewayConfig({})).toMatchObject({
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 60_000,
      attemptTimeoutMs: 30_000,
      maxRetries: 3,
    });
  });
});

describe.each(numberVariables)("the limits of $variable.name", ({ key, variable }) => {
  const rule = variable.rule;
  const lowest = rule.exclusiveMinimum === true ? rule.minimum + 0.01 : rule.minimum;
  const below = rule.exclusiveMinimum === true ? rule.minimum : rule.minimum - 1;
  const schema = variableSchema(z, variable);

  it("accept the lowest value in the gateway", async () => {
    const config = await loadGatewayConfig({ [variable.name]: String(lowest) });

    expect(config[key]).toBe(lowest);
  });

  it("refuse a value below the minimum in the gateway, naming the variable", async () => {
    expect(await configError({ [variable.name]: String(below) })).toMatch(
      new RegExp(`^${variable.name} must be `),
    );
  });

  it("refuse a value below the minimum in the stack schema", () => {
    expect(schema.safeParse(below).success).toBe(false);
  });

  it("refuse a fraction when whole numbers are required, or accept it otherwise", async () => {
    const fraction = lowest + 0.5;

    expect(await configError({ [variable.name]: String(fraction) })).toBe(
      rule.integer
        ? `${variable.name} must be ${describeNumberRule(rule)}, got "${fraction}".`
        : "accepted",
    );
  });
});

describe.each(numberVariables.filter(({ variable }) => variable.rule.maximum !== undefined))(
  "the maximum of $variable.name",
  ({ variable }) => {
    const rule = variable.rule;
    const schema = variableSchema(z, variable);

    it("is refused when passed, on both sides", async () => {
      const above = (rule.maximum ?? 0) + 1;

      expect([
        await configError({ [variable.name]: String(above) }),
        schema.safeParse(above).success,
      ]).toEqual([expect.stringMatching(new RegExp(`^${variable.name} must be `)), false]);
    });
  },
);

describe("routesSchema", () => {
  const schema = routesSchema(z);

  it("accepts a tier as a list and a tier with the expensive flag", () => {
    expect(
      schema.safeParse({
        fast: [{ provider: "openai", model: "gpt-4o-mini" }],
        smart: { expensive: true, candidates: [{ provider: "anthropic", model: "m" }] },
      }).success,
    ).toBe(true);
  });

  it("refuses an empty candidate list", () => {
    expect(schema.safeParse({ fast: [] }).success).toBe(false);
  });

  it("refuses a provider without an adapter", () => {
    expect(schema.safeParse({ fast: [{ provider: "mistral", model: "m" }] }).success).toBe(false);
  });

  it("refuses an unknown member of a candidate", () => {
    expect(
      schema.safeParse({ fast: [{ provider: "openai", model: "m", weight: 2 }] }).success,
    ).toBe(false);
  });

  it("refuses an empty tier name", () => {
    expect(schema.safeParse({ "": [{ provider: "openai", model: "m" }] }).success).toBe(false);
  });
});

describe("pricesSchema", () => {
  const schema = pricesSchema(z);

  it("accepts a free model", () => {
    expect(schema.safeParse({ m: { inputPerMillion: 0, outputPerMillion: 0 } }).success).toBe(true);
  });

  it("refuses a negative price", () => {
    expect(schema.safeParse({ m: { inputPerMillion: -1, outputPerMillion: 0 } }).success).toBe(
      false,
    );
  });

  it("refuses a price without its output figure", () => {
    expect(schema.safeParse({ m: { inputPerMillion: 1 } }).success).toBe(false);
  });
});

describe("docs/gateway-environment.md", () => {
  const document = readFileSync(
    path.resolve(functionsFolder, "../docs/gateway-environment.md"),
    "utf8",
  );
  const rows = document.split("\n").filter((line) => line.startsWith("| `"));

  it.each(variables.map((variable) => [variable.name, variable] as const))(
    "has a row for %s with its stack key",
    (name, variable) => {
      const row = rows.find((line) => line.startsWith(`| \`${name}\``));

      expect(row).toContain(variable.stackKey === undefined ? "" : `\`${variable.stackKey}\``);
    },
  );
});
