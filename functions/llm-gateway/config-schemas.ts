// The schemas of the JSON settings, in their own module: `loadGatewayConfig` imports it (and zod)
// only when `LLM_ROUTES` or `LLM_PRICES` is set, so most cold starts never evaluate zod.
import * as z from "zod";

const candidateSchema = z
  .object({ provider: z.enum(["anthropic", "openai"]), model: z.string().min(1) })
  .strict();
const tierSchema = z.union([
  z.array(candidateSchema).min(1),
  z
    .object({ expensive: z.boolean().optional(), candidates: z.array(candidateSchema).min(1) })
    .strict(),
]);
export const routesSchema = z.record(z.string().min(1), tierSchema);
export const pricesSchema = z.record(
  z.string().min(1),
  z
    .object({
      inputPerMillion: z.number().nonnegative(),
      outputPerMillion: z.number().nonnegative(),
    })
    .strict(),
);
