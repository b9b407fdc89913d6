import type { Usage } from "../openai-types.ts";
import type { RequestContext } from "../request/request-context.ts";
import type { Candidate } from "../resilience/routing.ts";
import type { GatewayRuntime } from "../runtime.ts";
import type { Reservation } from "./budget.ts";
import { computeCost } from "./prices.ts";
import { recordUsageOnSpan } from "../telemetry/spans.ts";

/**
 * The one place an answer's spend is counted, for chat, embeddings and responses, streamed or not:
 * tokens and cost go to the metrics and the request outcome, and the budget reservation is settled
 * to the actual cost. An answer without usage (some OpenAI-compatible servers ignore
 * `stream_options`) keeps its reservation as the spend: counting it as free would let the cap be
 * passed.
 * @returns the cost in USD.
 */
export function settleSpend(
  runtime: GatewayRuntime,
  context: RequestContext,
  candidate: Candidate,
  reservation: Reservation,
  usage: Usage | undefined,
): number {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  const cost = computeCost(runtime.config.prices, candidate.model, input, output);
  runtime.metrics.recordUsage(candidate.provider, candidate.model, input, output, cost);
  recordUsageOnSpan(context.span, input, output, cost);
  context.outcome.costUsd = cost;
  context.outcome.inputTokens = input;
  context.outcome.outputTokens = output;
  if (usage === undefined) {
    runtime.logger.warn("usage_missing", {
      requestId: context.requestId,
      provider: candidate.provider,
      model: candidate.model,
    });
    return cost;
  }
  void runtime.budget.settle(reservation, cost).catch(() => undefined);
  return cost;
}
