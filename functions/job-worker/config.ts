// Reads the job worker's environment through its contract (environment.ts): every problem is
// reported at once, naming the variable, what it must be and what it got (secrets never echoed).
import * as z from "zod";
import {
  decodeScalar,
  type JsonRule,
  type RuleValue,
  type ValueRule,
  type VariableDefinition,
} from "../llm-gateway/environment/rules.ts";
import { jobWorkerEnvironment } from "./environment.ts";

/** The worker's settings. */
export interface JobWorkerConfig {
  /** Postgres URL of the job tables. */
  databaseUrl: string;
  /** The gateway's base URL, without `/v1`. */
  gatewayUrl: string;
  /** The gateway's keys: the first is sent, any is accepted. */
  apiKeys: string[];
  /** `JOB_WORKER_TOKEN`: the wake-up's own token, also accepted; none when unset. */
  wakeUpToken: string | undefined;
  /** Webhook signing secrets by name. */
  webhookSecrets: ReadonlyMap<string, string>;
  /** The gateway's store, where the worker adds its metrics; none keeps them local. */
  store: { upstashUrl?: string; upstashToken?: string; redisUrl?: string };
  /** Bearer token of `GET /metrics`; open when undefined. */
  metricsToken: string | undefined;
  /** See environment.ts for each. */
  maxAttempts: number;
  leaseMs: number;
  stepTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  webhookMaxAttempts: number;
  timeBudgetMs: number;
  maxStepsPerInvocation: number;
  databaseTimeoutMs: number;
}

/** A worker environment that cannot run; the message lists every problem. */
export class JobWorkerConfigError extends Error {
  override readonly name = "JobWorkerConfigError";
}

/**
 * Parses the worker's environment.
 * @throws JobWorkerConfigError listing every invalid or missing variable.
 */
export function loadJobWorkerConfig(
  environment: Record<string, string | undefined>,
): JobWorkerConfig {
  const problems: string[] = [];
  const raw = (variable: VariableDefinition): string | undefined => {
    const value = environment[variable.name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const read = <Rule extends ValueRule>(
    variable: VariableDefinition<Rule> & { default?: RuleValue<Rule> },
  ): RuleValue<Rule> | undefined => {
    const text = raw(variable as VariableDefinition);
    if (text === undefined) return variable.default;
    const rule: ValueRule = variable.rule;
    if (rule.kind === "json") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        problems.push(`${variable.name} must be JSON`);
        return undefined;
      }
      const result = (rule as JsonRule).schema(z).safeParse(parsed);
      if (!result.success) {
        const issue = result.error.issues[0];
        const where = issue?.path.length ? ` (at ${issue.path.join(".")})` : "";
        problems.push(`${variable.name}${where} ${issue?.message ?? "is invalid"}`);
        return undefined;
      }
      return result.data as RuleValue<Rule>;
    }
    const decoded = decodeScalar(rule, text);
    if (!decoded.ok) {
      const shown = variable.secret ? "" : `, got "${text}"`;
      problems.push(`${variable.name} must be ${decoded.expected}${shown}`);
      return undefined;
    }
    return decoded.value as RuleValue<Rule>;
  };
  const variables = jobWorkerEnvironment;

  const databaseUrl = read(variables.databaseUrl) ?? read(variables.supabaseDbUrl);
  if (databaseUrl === undefined) {
    problems.push(`${variables.databaseUrl.name} or ${variables.supabaseDbUrl.name} must be set`);
  }
  const supabaseUrl = read(variables.supabaseUrl);
  const gatewayUrl =
    read(variables.gatewayUrl) ??
    (supabaseUrl === undefined ? undefined : `${supabaseUrl}/functions/v1/llm-gateway`);
  if (gatewayUrl === undefined) {
    problems.push(`${variables.gatewayUrl.name} (or ${variables.supabaseUrl.name}) must be set`);
  }
  const apiKeys = read(variables.apiKeys) ?? [];
  const wakeUpToken = read(variables.wakeUpToken);
  const webhookSecrets = read(variables.webhookSecrets) ?? {};
  const upstashUrl = read(variables.upstashUrl);
  const upstashToken = read(variables.upstashToken);
  const redisUrl = read(variables.redisUrl);
  const metricsToken = read(variables.metricsToken);
  const numbers = {
    maxAttempts: read(variables.maxAttempts),
    leaseMs: read(variables.leaseMs),
    stepTimeoutMs: read(variables.stepTimeoutMs),
    retryBaseMs: read(variables.retryBaseMs),
    retryMaxMs: read(variables.retryMaxMs),
    webhookMaxAttempts: read(variables.webhookMaxAttempts),
    timeBudgetMs: read(variables.timeBudgetMs),
    maxStepsPerInvocation: read(variables.maxStepsPerInvocation),
    databaseTimeoutMs: read(variables.databaseTimeoutMs),
  };
  if (
    numbers.leaseMs !== undefined &&
    numbers.stepTimeoutMs !== undefined &&
    numbers.leaseMs <= numbers.stepTimeoutMs
  ) {
    problems.push(
      `${variables.leaseMs.name} (${numbers.leaseMs}) must be longer than ${variables.stepTimeoutMs.name} (${numbers.stepTimeoutMs})`,
    );
  }
  if (problems.length > 0) {
    throw new JobWorkerConfigError(`invalid job worker environment: ${problems.join("; ")}`);
  }
  return {
    databaseUrl: databaseUrl!,
    gatewayUrl: gatewayUrl!,
    apiKeys,
    wakeUpToken,
    webhookSecrets: new Map(Object.entries(webhookSecrets)),
    store: {
      ...(upstashUrl === undefined ? {} : { upstashUrl }),
      ...(upstashToken === undefined ? {} : { upstashToken }),
      ...(redisUrl === undefined ? {} : { redisUrl }),
    },
    metricsToken,
    maxAttempts: numbers.maxAttempts!,
    leaseMs: numbers.leaseMs!,
    stepTimeoutMs: numbers.stepTimeoutMs!,
    retryBaseMs: numbers.retryBaseMs!,
    retryMaxMs: numbers.retryMaxMs!,
    webhookMaxAttempts: numbers.webhookMaxAttempts!,
    timeBudgetMs: numbers.timeBudgetMs!,
    maxStepsPerInvocation: numbers.maxStepsPerInvocation!,
    databaseTimeoutMs: numbers.databaseTimeoutMs!,
  };
}
