/**
 * Entry of the LLM gateway: Supabase Edge Function in production, `npm run gateway` locally.
 * The only module that touches `Deno`; everything else is web-standard and runs under vitest too.
 */
import { createGatewayHandler, loadPostHandlers } from "./app.ts";
import { ConfigError, loadGatewayConfig } from "./config.ts";
import { createRuntime } from "./runtime.ts";

const environment = Deno.env.toObject();
let config;
try {
  config = await loadGatewayConfig(environment);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        event: "invalid_config",
        message: error.message,
      }),
    );
    Deno.exit(1);
  }
  throw error;
}
const encoder = new TextEncoder();
const pending = { stdout: "", stderr: "" };
let flushScheduled = false;
// Set by the first request. Before it there is no response for a log write to hold up.
let serving = false;

function writeAll(target: { writeSync(data: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(target.writeSync(bytes));
}

function flushLogs(): void {
  flushScheduled = false;
  if (pending.stdout !== "") writeAll(Deno.stdout, pending.stdout);
  if (pending.stderr !== "") writeAll(Deno.stderr, pending.stderr);
  pending.stdout = "";
  pending.stderr = "";
}

// Log lines are written in one batch after the current turn of the event loop, so the write
// happens after the response is on its way instead of in front of it. Until the first request they
// are written at once: Deno's first setTimeout costs ~8 ms of set-up, which a cold start should
// not spend before it answers anything.
const runtime = await createRuntime(config, {
  writeLog: (line, level) => {
    if (level === "warn" || level === "error") pending.stderr += `${line}\n`;
    else pending.stdout += `${line}\n`;
    if (!serving) flushLogs();
    else if (!flushScheduled) {
      flushScheduled = true;
      setTimeout(flushLogs, 0);
    }
  },
});
const gatewayHandler = createGatewayHandler(runtime);
const handler = (request: Request): Promise<Response> => {
  serving = true;
  return gatewayHandler(request);
};
// On Supabase's Edge Runtime the platform owns the listener; PORT/HOST only matter locally.
const onSupabase = environment.SUPABASE_URL !== undefined && environment.PORT === undefined;
const port = Number(environment.PORT ?? 8000);
const hostname = environment.HOST ?? "127.0.0.1";
const onListen = (address: { hostname: string; port: number }): void =>
  runtime.logger.info("listening", {
    url: `http://${address.hostname}:${address.port}`,
    store: runtime.store.kind,
    tiers: [...config.routing.tiers.keys()],
  });

const server = Deno.serve(onSupabase ? { onListen } : { port, hostname, onListen }, handler);

// Warm-up uses the idle time after a cold start: loading the request handlers' chunk (cockatiel,
// zod's request schemas) and ~25 ms of schema construction would otherwise hold up the requests
// that arrive with the start (a Supabase worker is woken by one). A request that needs them before
// then loads them itself. AbortSignal.timeout's timer sets up in ~1 ms where the first setTimeout
// takes ~8 ms; the module keeps the signal referenced.
const warmUpTimer = AbortSignal.timeout(200);
warmUpTimer.addEventListener(
  "abort",
  () =>
    void loadPostHandlers().catch((error: unknown) =>
      runtime.logger.error("warm_up_failed", { error }),
    ),
  { once: true },
);

let shuttingDown = false;
const exit = (): never => {
  flushLogs();
  Deno.exit(0);
};
// Graceful: in-flight requests finish; bounded, because a stalled upstream stream (or a client that
// never reads) must not keep the process alive. A second signal exits at once.
const shutdown = (): void => {
  if (shuttingDown) exit();
  shuttingDown = true;
  flushLogs();
  setTimeout(exit, 5000);
  void server
    .shutdown()
    // Cache stores, ledger rows and the spend alert started before the signal still land.
    .then(() => runtime.background.drain(3000))
    .then(() => runtime.ledger?.flush())
    .then(() => runtime.database?.close())
    .then(() => runtime.observability.close())
    .then(() => runtime.store.close())
    .finally(exit);
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
