// How a gateway variable's value is checked, described, decoded and written. Imported by the
// gateway (to parse its environment) and by infra/ (to validate the stack config and build the
// Supabase secrets), so both sides apply the same predicate and print the same words.
//
// This module has no value imports: infra/ loads it as CommonJS through ts-node, where a relative
// import ending in `.ts` does not compile, and Deno needs that extension. Type-only imports compile
// in both. zod is handed in by the caller, so the gateway evaluates zod only when it needs it.
import type * as zod from "zod";

/** The zod namespace (`import * as z from "zod"`), handed in by the caller. */
export type Zod = typeof zod;

/**
 * A number with limits. The same predicate ({@link numberFits}) serves the gateway's parser and the
 * zod schema infra validates the stack config with.
 * @example { kind: "number", integer: true, minimum: 0, maximum: 10 }
 */
export interface NumberRule {
  /** Discriminant. */
  readonly kind: "number";
  /** Whole numbers only. */
  readonly integer: boolean;
  /** Smallest value allowed (or, with `exclusiveMinimum`, the bound values must exceed). */
  readonly minimum: number;
  /**
   * The minimum itself is refused: values must be greater than it.
   * @default false
   */
  readonly exclusiveMinimum?: boolean;
  /**
   * Largest value allowed; none when undefined.
   * @default undefined
   */
  readonly maximum?: number;
  /**
   * What the number counts, for messages.
   * @example "seconds"
   */
  readonly unit?: string;
}

/** Any non-empty text (surrounding blanks are trimmed). */
export interface TextRule {
  /** Discriminant. */
  readonly kind: "text";
}

/** An absolute URL; the gateway drops trailing slashes. */
export interface UrlRule {
  /** Discriminant. */
  readonly kind: "url";
}

/** A comma-separated list; blanks around and between entries are dropped. */
export interface ListRule {
  /** Discriminant. */
  readonly kind: "list";
}

/**
 * One of a fixed set of words.
 * @example { kind: "choice", options: ["debug", "info", "warn", "error"] }
 */
export interface ChoiceRule<Option extends string = string> {
  /** Discriminant. */
  readonly kind: "choice";
  /** The words allowed. */
  readonly options: readonly Option[];
}

/** A JSON document, checked by a zod schema (the gateway loads zod only when one is set). */
export interface JsonRule<Value = unknown> {
  /** Discriminant. */
  readonly kind: "json";
  /** Builds the schema with the zod namespace the caller imported. */
  schema(z: Zod): zod.ZodType<Value>;
}

/** Every kind of value a gateway variable can hold. */
export type ValueRule = NumberRule | TextRule | UrlRule | ListRule | ChoiceRule | JsonRule;

/** The value type a rule produces. */
export type RuleValue<Rule extends ValueRule> = Rule extends NumberRule
  ? number
  : Rule extends ChoiceRule<infer Option>
    ? Option
    : Rule extends ListRule
      ? string[]
      : Rule extends JsonRule<infer Value>
        ? Value
        : string;

/** One variable of the gateway's environment. */
export interface VariableDefinition<Rule extends ValueRule = ValueRule> {
  /**
   * The environment variable.
   * @example "LLM_MAX_RETRIES"
   */
  readonly name: string;
  /** What it does, in one or two sentences (docs/gateway-environment.md repeats it). */
  readonly doc: string;
  /** Its shape and limits. */
  readonly rule: Rule;
  /**
   * The value the gateway uses when the variable is unset; none when undefined (the feature is
   * off, or the default is a built-in table described by `defaultSource`).
   */
  readonly default?: RuleValue<Rule>;
  /**
   * Where the default comes from.
   * @example "seeds: the circuit breaker opens after 5 failures"
   */
  readonly defaultSource: string;
  /**
   * The stack config key infra/ builds it from; none when infra does not set it.
   * @example "platform:gateway.maxRetries"
   */
  readonly stackKey?: string;
  /**
   * Who sets it when no stack key does.
   * @example "Supabase's Edge Runtime"
   */
  readonly setBy?: string;
  /** The value is a credential: kept secret by infra, redacted by the gateway. */
  readonly secret: boolean;
}

/** The outcome of decoding one raw value: the value, or what was expected. */
export type Decoded<Value> =
  { readonly ok: true; readonly value: Value } | { readonly ok: false; readonly expected: string };

/** True when `value` is within the rule's limits. */
export function numberFits(rule: NumberRule, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.exclusiveMinimum === true ? value <= rule.minimum : value < rule.minimum) return false;
  return rule.maximum === undefined || value <= rule.maximum;
}

/**
 * What a number rule expects, completing "must be ...".
 * @example describeNumberRule({ kind: "number", integer: true, minimum: 1, unit: "seconds" }) === "a positive whole number of seconds"
 */
export function describeNumberRule(rule: NumberRule): string {
  const noun = `${rule.integer ? "whole number" : "number"}${rule.unit === undefined ? "" : ` of ${rule.unit}`}`;
  const positive =
    rule.exclusiveMinimum === true ? rule.minimum === 0 : rule.integer && rule.minimum === 1;
  if (rule.maximum !== undefined) {
    return rule.exclusiveMinimum === true
      ? `a ${noun} greater than ${rule.minimum} and at most ${rule.maximum}`
      : `a ${noun} from ${rule.minimum} to ${rule.maximum}`;
  }
  if (positive) return `a positive ${noun}`;
  if (rule.exclusiveMinimum === true) return `a ${noun} greater than ${rule.minimum}`;
  return rule.minimum === 0 ? `a ${noun}, zero or more` : `a ${noun}, at least ${rule.minimum}`;
}

/** True when `value` parses as an absolute URL. */
export function isAbsoluteUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * What any rule but a JSON one expects, completing "must be ...".
 * @example describeRule({ kind: "url" }) === "an absolute URL"
 */
export function describeRule(rule: Exclude<ValueRule, JsonRule>): string {
  switch (rule.kind) {
    case "number":
      return describeNumberRule(rule);
    case "text":
      return "a non-empty text";
    case "url":
      return "an absolute URL";
    case "list":
      return "a comma-separated list";
    case "choice":
      return `one of ${rule.options.join(", ")}`;
  }
}

/**
 * Decodes the trimmed, non-empty text of a variable without zod (the gateway's start path).
 * JSON variables go through {@link variableSchema} instead.
 * @example decodeScalar({ kind: "number", integer: true, minimum: 0 }, "3") // { ok: true, value: 3 }
 */
export function decodeScalar<Rule extends Exclude<ValueRule, JsonRule>>(
  rule: Rule,
  raw: string,
): Decoded<RuleValue<Rule>> {
  const expected = describeRule(rule);
  switch (rule.kind) {
    case "number": {
      const value = Number(raw);
      return numberFits(rule, value)
        ? { ok: true, value: value as RuleValue<Rule> }
        : { ok: false, expected };
    }
    case "url":
      return isAbsoluteUrl(raw)
        ? { ok: true, value: raw.replace(/\/+$/, "") as RuleValue<Rule> }
        : { ok: false, expected };
    case "list":
      return {
        ok: true,
        value: raw
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "") as RuleValue<Rule>,
      };
    case "choice":
      return rule.options.includes(raw)
        ? { ok: true, value: raw as RuleValue<Rule> }
        : { ok: false, expected };
    case "text":
      return { ok: true, value: raw as RuleValue<Rule> };
  }
  return { ok: false, expected };
}

/**
 * The zod schema of a variable's value (the decoded value, as a stack file holds it). Its messages
 * complete "must be ...", the way infra's config errors read.
 * @example variableSchema(z, gatewayEnvironment.maxRetries).parse(3) === 3
 */
export function variableSchema<Rule extends ValueRule>(
  z: Zod,
  variable: VariableDefinition<Rule>,
): zod.ZodType<RuleValue<Rule>> {
  const rule: ValueRule = variable.rule;
  if (rule.kind === "json") return rule.schema(z) as zod.ZodType<RuleValue<Rule>>;
  const error = `must be ${describeRule(rule)}`;
  let schema: zod.ZodType;
  switch (rule.kind) {
    case "number":
      schema = z.number({ error }).refine((value) => numberFits(rule, value), { error });
      break;
    case "url":
      schema = z.string({ error }).refine(isAbsoluteUrl, { error });
      break;
    case "choice":
      schema = z.enum(rule.options as [string, ...string[]], { error });
      break;
    case "list":
      schema = z.array(z.string({ error }).min(1, { error }), { error });
      break;
    case "text":
      schema = z.string({ error }).trim().min(1, { error });
      break;
  }
  return schema as zod.ZodType<RuleValue<Rule>>;
}

/**
 * A value as the environment variable's text: numbers and words as they are, lists joined with
 * commas, JSON documents as JSON. The gateway's parser reads it back to the same value.
 * @example serializeValue(gatewayEnvironment.maxRetries, 3) === "3"
 */
export function serializeValue<Rule extends ValueRule>(
  variable: VariableDefinition<Rule>,
  value: RuleValue<Rule>,
): string {
  const rule: ValueRule = variable.rule;
  switch (rule.kind) {
    case "json":
      return JSON.stringify(value);
    case "list":
      return (value as string[]).join(",");
    default:
      return String(value);
  }
}
