// The gateway's own request handler, for work that goes through the whole pipeline without the
// network: a quick job's steps are chat completion requests the gateway answers in-process, with
// the submitting caller's credentials (handle-job-quick-run.ts). app.ts registers the handler when
// it builds it; a runtime without one (a test that never built a handler) runs no quick jobs.

/** A `fetch`-style handler: the gateway as `createGatewayHandler` builds it. */
export type GatewayDispatch = (request: Request) => Promise<Response>;

const dispatches = new WeakMap<object, GatewayDispatch>();

/**
 * Remembers the handler serving `runtime`.
 * @param runtime - the runtime the handler was built for.
 * @param dispatch - the handler, without CORS (in-process requests carry no Origin).
 */
export function registerInternalDispatch(runtime: object, dispatch: GatewayDispatch): void {
  dispatches.set(runtime, dispatch);
}

/** The handler serving `runtime`, if one was registered. */
export function internalDispatchOf(runtime: object): GatewayDispatch | undefined {
  return dispatches.get(runtime);
}
