import { parser } from "@prometheus-io/lezer-promql";

/** What {@link parsePromql} found in one expression. */
export interface ParsedPromql {
  /** Syntax errors, each with the offset where the parser gave up; empty when the expression parses. */
  errors: string[];
  /** Every metric name a selector in the expression reads, in order, without duplicates. */
  metricNames: string[];
}

/**
 * Parses a PromQL expression with Prometheus's own grammar (`@prometheus-io/lezer-promql`, the
 * parser behind the Prometheus UI's editor) and lists the metric names it selects.
 */
export function parsePromql(expression: string): ParsedPromql {
  const errors: string[] = [];
  const metricNames: string[] = [];
  if (expression.trim() === "") return { errors: ["empty expression"], metricNames };
  parser.parse(expression).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(
          `syntax error at offset ${node.from}: "${expression.slice(node.from, node.from + 20)}"`,
        );
        return;
      }
      if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector") {
        const name = expression.slice(node.from, node.to);
        if (!metricNames.includes(name)) metricNames.push(name);
      }
    },
  });
  return { errors, metricNames };
}
