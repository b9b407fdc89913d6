// The zod schemas of the JSON settings, in their own module: `loadGatewayConfig` imports it (and
// zod) only when `LLM_ROUTES`, `LLM_PRICES`, `LLM_PROVIDERS` or `JOB_WEBHOOK_SECRETS` is set, so
// most cold starts never evaluate zod. The
// schemas themselves are defined once, in environment/contract.ts, which infra/ validates the
// stack config with.
import * as z from "zod";
import { gatewayEnvironment, routesSchema as buildRoutesSchema } from "./environment/contract.ts";
import { variableSchema } from "./environment/rules.ts";

/** `LLM_ROUTES`: tier name to candidates. */
export const routesSchema = variableSchema(z, gatewayEnvironment.routes);

/** `LLM_PRICES`: model to USD per million tokens. */
export const pricesSchema = variableSchema(z, gatewayEnvironment.prices);

/** `LLM_PROVIDERS`: more OpenAI-compatible providers. */
export const providersSchema = variableSchema(z, gatewayEnvironment.providers);

/** `JOB_WEBHOOK_SECRETS`: webhook signing secrets by name. */
export const jobWebhookSecretsSchema = variableSchema(z, gatewayEnvironment.jobWebhookSecrets);

/** `LLM_ROUTES` whose candidates may name the built-in providers and those of `LLM_PROVIDERS`. */
export function routesSchemaFor(providers: readonly string[]) {
  return buildRoutesSchema(z, providers);
}
