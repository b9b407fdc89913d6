import type { RecordedResource } from "./recording-mocks";

/** Everything the offline plan found, ready to print. */
export interface Plan {
  /** The stack name. */
  stack: string;
  /** The stack file the config came from. */
  stackFile: string;
  /** Every registered resource, the stack first. */
  resources: RecordedResource[];
  /** Stack outputs, redacted. */
  outputs: Record<string, unknown>;
  /** Secret keys not set on the stack (placeholders were used). */
  secretsNotSet: string[];
}

/** One resource in `--json` output. */
export interface PlanJsonResource {
  /** The resource's URN. */
  urn: string;
  /** The type token. */
  type: string;
  /** The logical name. */
  name: string;
  /** The parent's URN, `null` for the stack. */
  parent: string | null;
  /** Whether `protect` is set. */
  protect: boolean;
  /** Inputs with secrets as `[secret]` and provider-computed values as `[unknown]`. */
  inputs: Record<string, unknown>;
  /** Names of inputs whose value is, or contains, a secret. */
  secretInputs: string[];
}

/** The `--json` document. */
export interface PlanJson {
  /** The stack name. */
  stack: string;
  /** Every resource `pulumi up` would register. */
  resources: PlanJsonResource[];
  /** Stack outputs, redacted like inputs. */
  outputs: Record<string, unknown>;
  /** Secret keys the stack does not set yet. */
  secretsNotSet: string[];
}

/** The `--json` document for a plan. */
export function planToJson(plan: Plan): PlanJson {
  return {
    stack: plan.stack,
    resources: plan.resources.map((resource) => ({
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      parent: resource.parent ?? null,
      protect: resource.protect,
      inputs: resource.redactedInputs,
      secretInputs: resource.secretInputs,
    })),
    outputs: plan.outputs,
    secretsNotSet: plan.secretsNotSet,
  };
}

const maximumValueWidth = 96;

/** One value on one line: markers bare, the rest as JSON, long values shortened with their size. */
export function formatValue(value: unknown): string {
  if (typeof value === "string" && /^\[[a-z ]+\]$/.test(value)) {
    return value;
  }
  const json = JSON.stringify(value) ?? "undefined";
  if (json.length <= maximumValueWidth) {
    return json;
  }
  return `${json.slice(0, maximumValueWidth - 16)}... (${json.length} characters)`;
}

function describe(resource: RecordedResource): string {
  const flags = `${resource.protect ? "  [protected]" : ""}${resource.read ? "  [read, not created]" : ""}`;
  return `${resource.type}  ${resource.name}${flags}`;
}

/** The readable tree: each resource under its parent, with its inputs, then outputs and totals. */
export function renderPlanText(plan: Plan): string {
  const lines: string[] = [
    `Offline plan for stack "${plan.stack}" (${plan.stackFile}). Nothing was created; values marked [unknown] are computed by the provider.`,
    "",
  ];
  const children = new Map<string | undefined, RecordedResource[]>();
  const urns = new Set(plan.resources.map((resource) => resource.urn));
  for (const resource of plan.resources) {
    const parent =
      resource.parent !== undefined && urns.has(resource.parent) ? resource.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }

  const visit = (resource: RecordedResource, prefix: string, isLast: boolean, isRoot: boolean) => {
    const branch = isRoot ? "" : isLast ? "└─ " : "├─ ";
    lines.push(`${prefix}${branch}${describe(resource)}`);
    const childPrefix = isRoot ? "" : `${prefix}${isLast ? "   " : "│  "}`;
    const kids = children.get(resource.urn) ?? [];
    const inputPrefix = `${childPrefix}${kids.length > 0 ? "│" : " "}     `;
    for (const [key, value] of Object.entries(resource.redactedInputs)) {
      if (key.startsWith("__") && key !== "__provider") {
        continue;
      }
      lines.push(`${inputPrefix}${key}: ${formatValue(value)}`);
    }
    kids.forEach((child, index) => visit(child, childPrefix, index === kids.length - 1, false));
  };
  const roots = children.get(undefined) ?? [];
  roots.forEach((root) => visit(root, "", true, true));

  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs)) {
    lines.push(`  ${key}: ${formatValue(value)}`);
  }
  const protectedCount = plan.resources.filter((resource) => resource.protect).length;
  lines.push(
    "",
    `${plan.resources.length} resources (${protectedCount} protected) would be registered.`,
  );
  if (plan.secretsNotSet.length > 0) {
    lines.push("", "Secrets not set (placeholders used; set them before `pulumi up`):");
    for (const key of plan.secretsNotSet) {
      lines.push(`  pulumi config set --secret ${key} --stack ${plan.stack}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
