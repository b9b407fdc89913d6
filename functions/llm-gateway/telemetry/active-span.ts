import type { SpanContext } from "./tracing.ts";

/**
 * The span that work started now belongs to, carried across `await`s: how a store or database
 * call deep in the cache, budget or breaker code finds the request it serves without every
 * function passing a span along.
 */
export interface ActiveSpanStorage {
  /** Runs `run` with `span` active in it and in everything it starts, sync or async. */
  run<T>(span: SpanContext, run: () => T): T;
  /** The active span, or undefined outside any {@link ActiveSpanStorage.run}. */
  getStore(): SpanContext | undefined;
}

/** The constructor this module needs from `node:async_hooks`. */
interface AsyncHooksModule {
  AsyncLocalStorage: new () => ActiveSpanStorage;
}

/**
 * The built-in module, named by a variable: type checkers then leave it alone (the function code
 * is checked without Node's typings, and `deno check` would ask for `npm:@types/node`), and the
 * bundler leaves it to the runtime, where Deno and Node resolve `node:` built-ins themselves.
 */
const asyncHooksSpecifier = "node:async_hooks";

/**
 * An `AsyncLocalStorage` from `node:async_hooks`, which Deno (so Supabase's Edge Runtime) and
 * Node both provide; there is no web-standard async context yet (TC39 AsyncContext is a
 * proposal). Imported on demand, only when tracing is on, so a gateway without tracing never loads
 * it nor pays for context propagation.
 */
export async function loadActiveSpanStorage(): Promise<ActiveSpanStorage> {
  const { AsyncLocalStorage } = (await import(asyncHooksSpecifier)) as AsyncHooksModule;
  return new AsyncLocalStorage();
}
