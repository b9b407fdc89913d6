// The engine side a provider plugin can call back into: Pulumi's `Engine` gRPC service (Log,
// Get/SetRootResource, ...). The engine passes its address as the plugin's argument
// (pkg/resource/plugin/provider_plugin.go `NewProvider`: `host.ServerAddr()`); this in-repo
// stand-in listens on loopback, records log lines and answers the rest like an empty deployment.
import * as grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { createEngineService, type EngineLogEntry } from "../plan/engine-service";

/** A running engine stand-in. */
export interface EngineServer {
  /** `127.0.0.1:<port>`, the argument a plugin is started with. */
  address: string;
  /** Every log line received, in order. */
  logs: EngineLogEntry[];
  /** Stops listening. */
  stop(): Promise<void>;
}

/** Starts the engine stand-in on a free loopback port. */
export async function startEngineServer(): Promise<EngineServer> {
  const { implementation, logs } = createEngineService();
  const server = new grpc.Server();
  server.addService(EngineService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
