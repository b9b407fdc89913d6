// The engine side a provider plugin can call back into: Pulumi's `Engine` gRPC service (Log,
// Get/SetRootResource, ...). The engine passes its address as the plugin's argument
// (pkg/resource/plugin/provider_plugin.go `NewProvider`: `host.ServerAddr()`); this in-repo
// stand-in listens on loopback, records log lines and answers the rest like an empty deployment.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService, type IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { StartDebuggingRequest } from "@pulumi/pulumi/proto/engine_pb";
import {
  GetRootResourceResponse,
  LogSeverity,
  RequirePulumiVersionResponse,
  SetRootResourceResponse,
} from "@pulumi/pulumi/proto/engine_pb";

/** One `Engine.Log` call. */
export interface EngineLogEntry {
  /** `debug`, `info`, `warning` or `error`. */
  severity: string;
  /** The message as sent. */
  message: string;
  /** The resource the message is about, when any. */
  urn: string;
}

/** A running engine stand-in. */
export interface EngineServer {
  /** `127.0.0.1:<port>`, the argument a plugin is started with. */
  address: string;
  /** Every log line received, in order. */
  logs: EngineLogEntry[];
  /** Stops listening. */
  stop(): Promise<void>;
}

const severityNames: Record<number, string> = {
  [LogSeverity.DEBUG]: "debug",
  [LogSeverity.INFO]: "info",
  [LogSeverity.WARNING]: "warning",
  [LogSeverity.ERROR]: "error",
};

/** Starts the engine stand-in on a free loopback port. */
export async function startEngineServer(): Promise<EngineServer> {
  const logs: EngineLogEntry[] = [];
  let rootResource = "";
  const implementation: IEngineServer = {
    log(call, callback) {
      logs.push({
        severity: severityNames[call.request.getSeverity()] ?? "unknown",
        message: call.request.getMessage(),
        urn: call.request.getUrn(),
      });
      callback(null, new Empty());
    },
    getRootResource(_call, callback) {
      callback(null, new GetRootResourceResponse().setUrn(rootResource));
    },
    setRootResource(call, callback) {
      rootResource = call.request.getUrn();
      callback(null, new SetRootResourceResponse());
    },
    startDebugging(_call: grpc.ServerUnaryCall<StartDebuggingRequest, Empty>, callback) {
      callback(null, new Empty());
    },
    requirePulumiVersion(_call, callback) {
      callback(null, new RequirePulumiVersionResponse());
    },
  };
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
