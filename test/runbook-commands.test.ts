// docs/runbook.md is followed under pressure: every command, key, metric and log line it names
// must exist, and the rollback by hash it gives works (here, through the offline plan).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { archivedArtifactDirectory } from "../functions/bundle/artifact-store";
import {
  describeArtifact,
  writeArtifact,
  type ArtifactContent,
} from "../functions/bundle/write-artifact";
import { secretKeys } from "../infra/secret-keys";
import type { PlanJson } from "../infra/plan/render";
import { runPlanCommand, type PlanCommandRun } from "./support/plan-command";
import { repositoryRoot } from "./support/repository-root";
import { timeouts } from "./support/timeouts";

const read = (path: string) => readFileSync(join(repositoryRoot, path), "utf8");
const runbook = read("docs/runbook.md");
const unique = (values: Iterable<string>) => [...new Set(values)].sort();
const captured = (pattern: RegExp) => unique([...runbook.matchAll(pattern)].map((m) => m[1] ?? ""));

/** Every non-test TypeScript source under `folder`, concatenated. */
function sourcesOf(folder: string): string {
  const texts: string[] = [];
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules") visit(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        texts.push(readFileSync(path, "utf8"));
      }
    }
  };
  visit(join(repositoryRoot, folder));
  return texts.join("\n");
}

describe("the runbook names only what exists", () => {
  it("every npm script", () => {
    const scripts = Object.keys(
      (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts,
    );
    const named = captured(/npm run (?:--silent )?([a-z:-]+)/g);
    expect(named.filter((script) => !scripts.includes(script))).toEqual([]);
  });

  it("every workflow run and its inputs", () => {
    const missing: string[] = [];
    for (const match of runbook.matchAll(/gh workflow run (\S+)((?: -f [\w-]+=\S+)*)/g)) {
      const file = `.github/workflows/${match[1]}`;
      const workflow = parse(read(file)) as {
        on: { workflow_dispatch?: { inputs?: Record<string, unknown> } };
      };
      const inputs = Object.keys(workflow.on.workflow_dispatch?.inputs ?? {});
      for (const input of (match[2] ?? "").matchAll(/-f ([\w-]+)=/g)) {
        if (!inputs.includes(input[1] ?? "")) missing.push(`${match[1]}: ${input[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every stack output", () => {
    const exported = [...read("infra/index.ts").matchAll(/^export const (\w+)/gm)].map(
      (match) => match[1],
    );
    const named = captured(/pulumi stack output (\w+)/g);
    expect(named.filter((output) => !exported.includes(output))).toEqual([]);
  });

  it("every secret set with --secret", () => {
    const keys: readonly string[] = secretKeys.map(({ key }) => key);
    const named = captured(/pulumi config set --secret ([\w:]+)/g);
    expect(named.filter((key) => !keys.includes(key))).toEqual([]);
  });

  it("every platform key", () => {
    const schema = ["infra/config-schema.ts", "infra/config-gateway-schema.ts"]
      .map(read)
      .join("\n");
    const secrets: readonly string[] = secretKeys.map(({ key }) => key);
    const named = captured(/(platform:[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)/g);
    // The schema keys the namespace without its prefix: platform:budget.dailyUsd is `budget:`
    // with a `dailyUsd:` member.
    const unknown = named.filter((key) => {
      if (secrets.includes(key)) return false;
      const path = key.slice("platform:".length).split(".");
      return !path.every((part) => schema.includes(`${part}:`));
    });
    expect(unknown).toEqual([]);
  });

  it("every metric", () => {
    const source =
      read("functions/llm-gateway/telemetry/gateway-metrics.ts") +
      read("functions/_shared/jobs/job-metrics.ts");
    const named = captured(/\b(llm_gateway_[a-z_]+)/g);
    expect(named.filter((metric) => !source.includes(`"${metric}"`))).toEqual([]);
  });

  it("every log event", () => {
    const sources = sourcesOf("functions");
    const named = captured(/"event":"(\w+)"/g);
    expect(named.filter((event) => !sources.includes(`"${event}"`))).toEqual([]);
  });

  it("every error code", () => {
    const source = read("functions/llm-gateway/errors.ts");
    const named = captured(/"code":"(\w+)"/g);
    expect(named.filter((code) => !source.includes(`"${code}"`))).toEqual([]);
  });
});

describe("the runbook's rollback by hash", () => {
  const directory = mkdtempSync(join(tmpdir(), "runbook-rollback-"));
  let pinned: string;
  let archived: string;
  let run: PlanCommandRun;

  beforeAll(async () => {
    // An earlier build, archived where `npm run bundle` archives every build.
    const content: ArtifactContent = {
      name: "llm-gateway",
      entrypoint: "index.js",
      verifyJwt: false,
      files: [{ path: "index.js", bytes: new TextEncoder().encode("// runbook rollback test\n") }],
    };
    pinned = describeArtifact(content).sha256;
    archived = join(repositoryRoot, archivedArtifactDirectory("llm-gateway", pinned));
    await writeArtifact(archived, content);
    // What `pulumi config set --path 'platform:supabase.pinnedArtifactSha256' <sha256>` writes.
    const document = parseDocument(read("Pulumi.production.yaml"));
    document.setIn(["config", "platform:supabase", "pinnedArtifactSha256"], pinned);
    const stackFile = join(directory, "Pulumi.production.yaml");
    writeFileSync(stackFile, document.toString());
    run = await runPlanCommand(["--stack", "production", "--config-file", stackFile, "--json"], {
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    });
  }, timeouts.planHook);

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
    rmSync(archived, { recursive: true, force: true });
  });

  it("is written as the runbook says", () => {
    expect(runbook).toContain(
      "pulumi config set --path 'platform:supabase.pinnedArtifactSha256' <sha256> --stack production",
    );
  });

  it("plans the gateway deployment of the pinned build", () => {
    const plan = JSON.parse(run.stdout) as PlanJson;
    const deployment = plan.resources.find(
      (resource) =>
        resource.type === "pulumi-nodejs:dynamic/supabase:FunctionDeployment" &&
        resource.inputs["slug"] === "llm-gateway",
    );
    expect(deployment?.inputs["artifactSha256"]).toBe(pinned);
  });

  it("exports the pinned hash as gatewayArtifactSha256", () => {
    expect((JSON.parse(run.stdout) as PlanJson).outputs["gatewayArtifactSha256"]).toBe(pinned);
  });
});
