import { noopSpan, type Span, type SpanContext, type Tracer } from "./tracing.ts";

/**
 * Runs `run` inside a span named `name`, a child of `parent`, ending it when `run` settles (failed
 * when it throws). The span is active while `run` runs, so the store and database calls it makes
 * record under it. With tracing off, or without a parent, `run` gets the no-op span: no allocation
 * on the hot path.
 * @example withSpan(runtime.tracer, "Cache:Exact", context.span, () => lookUp(...))
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  parent: SpanContext | undefined,
  run: (span: Span) => Promise<T>,
  kind: "internal" | "client" = "internal",
): Promise<T> {
  if (!tracer.enabled || parent === undefined || parent.spanId === "") return run(noopSpan);
  const span = tracer.startSpan(name, kind, parent);
  try {
    const value = await tracer.withActiveSpan(span, () => run(span));
    span.end();
    return value;
  } catch (error) {
    span.setAttribute("error.type", error instanceof Error ? error.name : "unknown");
    span.end(error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** The GenAI semantic conventions' attribute names the gateway sets (OpenTelemetry semconv). */
export const genAi = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
} as const;

/** Cost has no GenAI convention yet: the gateway's own attribute. */
export const costAttribute = "llm_gateway.cost_usd";

/** Token usage and cost of the answer, on the request span. */
export function recordUsageOnSpan(
  span: Span,
  inputTokens: number,
  outputTokens: number,
  costUsd: number,
): void {
  span.setAttribute(genAi.inputTokens, inputTokens);
  span.setAttribute(genAi.outputTokens, outputTokens);
  span.setAttribute(costAttribute, costUsd);
}
