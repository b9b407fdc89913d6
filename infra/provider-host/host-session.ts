// One dynamic provider host as one `pulumi` command would have it: its own engine endpoint, the
// process started in the program directory, and the engine's opening calls (Handshake, which the
// host does not implement, then GetPluginInfo and Configure with the whole stack config).
import { startEngineServer, type EngineServer } from "./engine-server";
import type { ProgramLaunch } from "./program-launch";
import { ProviderHostClient } from "./provider-client";
import { startProviderHost, type ProviderHostProcess } from "./provider-host-process";
import { dynamicProviderPackage, providerStackConfig } from "./stack-config";

/** A configured host, ready for resource calls. */
export interface HostSession {
  /** The engine stand-in the host was given. */
  engine: EngineServer;
  /** The host process. */
  process: ProviderHostProcess;
  /** The gRPC client, configured. */
  client: ProviderHostClient;
  /** The SDK version GetPluginInfo reported. */
  pluginVersion: string;
  /** Whether the host accepted secrets in Configure (the engine strips them when not). */
  acceptSecrets: boolean;
  /** Stops the client, the process and the engine. */
  stop(): Promise<void>;
}

/** Options of {@link startHostSession}. */
export interface HostSessionOptions {
  /** From {@link programLaunch}. */
  launch: ProgramLaunch;
  /** The stack whose `Pulumi.<stack>.yaml` is the config. */
  stack: string;
  /** Plaintext of every secret key (see {@link placeholderSecrets}). */
  secrets: Record<string, string>;
}

/**
 * Starts and configures a host.
 * @param options - see {@link HostSessionOptions}.
 */
export async function startHostSession(options: HostSessionOptions): Promise<HostSession> {
  const { launch, stack } = options;
  const config = providerStackConfig(launch.projectDirectory, stack, options.secrets);
  const engine = await startEngineServer();
  let process: ProviderHostProcess | undefined;
  let client: ProviderHostClient | undefined;
  try {
    process = await startProviderHost({ launch, engineAddress: engine.address });
    client = new ProviderHostClient({
      address: process.address,
      engineAddress: engine.address,
      projectDirectory: launch.projectDirectory,
    });
    const handshake = await client.handshake();
    if (handshake.implemented) {
      throw new Error("the dynamic provider host now implements Handshake: update the harness");
    }
    const { version } = await client.getPluginInfo();
    const providerType = `pulumi:providers:${dynamicProviderPackage}`;
    const { acceptSecrets } = await client.configure(
      {
        urn: `urn:pulumi:${stack}::${launch.projectName}::${providerType}::default`,
        type: providerType,
        name: "default",
        id: "00000000-0000-4000-8000-000000000000",
      },
      config.args,
      config.variables,
    );
    const started = { process, client };
    return {
      engine,
      process,
      client,
      pluginVersion: version,
      acceptSecrets,
      async stop() {
        started.client.close();
        await started.process.stop();
        await engine.stop();
      },
    };
  } catch (error) {
    client?.close();
    await process?.stop();
    await engine.stop();
    throw error;
  }
}
