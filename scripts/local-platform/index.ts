/**
 * `npm start`: the platform on this machine, no accounts needed. Ctrl-C or SIGTERM stops every
 * part and exits 0; a part that dies on its own stops the rest and exits 1.
 */
import { isLocalPlatformError } from "./local-platform-error";
import { startLocalPlatform } from "./platform";

async function main(): Promise<number> {
  const shutdown = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (shutdown.signal.aborted) return;
    process.stderr.write(`\nReceived ${signal}; stopping the local platform...\n`);
    shutdown.abort(new Error(`received ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // miniflare registers `exit-hook`, whose SIGINT/SIGTERM listeners call process.exit(143) at once:
  // Deno would be orphaned before it is stopped. This process owns shutdown, so signal listeners
  // added later are removed (exit-hook's `exit` listener still stops workerd if we crash).
  process.on("newListener", (event: string | symbol, listener: (...values: unknown[]) => void) => {
    if ((event === "SIGINT" || event === "SIGTERM") && listener !== onSignal) {
      queueMicrotask(() => process.removeListener(event, listener));
    }
  });
  const signalled = new Promise<undefined>((resolveSignal) =>
    shutdown.signal.addEventListener("abort", () => resolveSignal(undefined), { once: true }),
  );

  process.stderr.write(
    "Starting the provider simulator, the edge-cache Worker and the gateway...\n",
  );
  let platform;
  try {
    platform = await startLocalPlatform({
      onGatewayOutput: (line) => process.stderr.write(`[gateway] ${line}\n`),
      signal: shutdown.signal,
    });
  } catch (error) {
    // Everything already started has been stopped by startLocalPlatform.
    if (shutdown.signal.aborted) return 0;
    if (isLocalPlatformError(error)) {
      process.stderr.write(`npm start: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  process.stdout.write(`\n${platform.banner}`);
  const unexpected = await Promise.race([signalled, platform.unexpectedExit]);
  if (unexpected !== undefined) process.stderr.write(`npm start: ${unexpected}\n`);
  await platform.stop();
  process.stderr.write("Local platform stopped.\n");
  return unexpected === undefined ? 0 : 1;
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`npm start: ${text}\n`);
    process.exit(1);
  },
);
