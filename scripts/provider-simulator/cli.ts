import { parseArgs } from "node:util";
import { startProviderSimulator } from "./index";

const usage =
  "usage: tsx scripts/provider-simulator/cli.ts [--port N] [--host 127.0.0.1] [--latency-ms N]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      "latency-ms": { type: "string", default: "0" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  const latencyMs = Number(values["latency-ms"]);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new Error(`--latency-ms must be a non-negative number, got "${values["latency-ms"]}"`);
  }
  const simulator = await startProviderSimulator({
    port,
    host: values.host,
    latencyMs,
    recordRequests: false,
  });
  console.log(`provider simulator listening on ${simulator.url}`);
  console.log(`OPENAI_BASE_URL=${simulator.openaiBaseUrl}`);
  console.log(`ANTHROPIC_BASE_URL=${simulator.anthropicBaseUrl}`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(usage);
  process.exit(1);
});
