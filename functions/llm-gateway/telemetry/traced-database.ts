import type { DatabaseClient } from "../../_shared/database/database-client.ts";
import { databaseAttributes, spanSafeReason, traceCall } from "./traced-store.ts";
import type { Tracer } from "./tracing.ts";

/**
 * `database` with every {@link DatabaseClient.run} a `Database:<operation>` client span under the
 * active span (`db.system` postgresql, `db.operation.name` the call's operation, such as
 * `semantic_cache.lookup`; never a statement's parameters). An unavailable outcome (the client
 * never rejects) ends the span failed, with a timeout or SQLSTATE but never the driver's message.
 * With tracing off, `database` itself.
 */
export function traceDatabase(database: DatabaseClient, tracer: Tracer): DatabaseClient {
  if (!tracer.enabled) return database;
  return {
    get available() {
      return database.available;
    },
    run: (operation, statements) =>
      traceCall(
        tracer,
        `Database:${operation}`,
        [
          [databaseAttributes.system, "postgresql"],
          [databaseAttributes.systemName, "postgresql"],
          [databaseAttributes.operation, operation],
        ],
        () => database.run(operation, statements),
        {
          rejected: () => `database ${operation} failed`,
          resolved: (outcome) => {
            if (outcome.ok) return undefined;
            const reason = spanSafeReason(outcome.detail);
            return `database ${operation} unavailable${reason === undefined ? "" : `: ${reason}`}`;
          },
        },
      ),
    close: () => database.close(),
  };
}
