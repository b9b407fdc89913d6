/**
 * Entry of the LLM gateway: Supabase Edge Function in production, `npm run gateway` locally.
 * The only module that touches `Deno`; everything else is web-standard and runs under vitest too.
 */
import { createGatewayHandler } from "./app.ts";
import { ConfigError, loadGatewayConfig } from "./config.ts";
import { createRuntime } from "./runtime.ts";

const environment = Deno.env.toObject();
let config;
try {
  config = loadGatewayConfig(environment);
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
const runtime = await createRuntime(config);
const handler = createGatewayHandler(runtime);
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

const shutdown = (): void => {
  void server
    .shutdown()
    .then(() => runtime.store.close())
    .finally(() => Deno.exit(0));
};
Deno.addSignalListener("SIGINT", shutdown);
Deno.addSignalListener("SIGTERM", shutdown);
