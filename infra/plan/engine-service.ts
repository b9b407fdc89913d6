// Pulumi's `pulumirpc.Engine` gRPC service as the in-repo stand-ins serve it: the plan's engine
// (program side) and the provider host's engine (plugin side). Log lines are recorded; the root
// resource is remembered; the rest answers like an empty deployment.
import type * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { StartDebuggingRequest } from "@pulumi/pulumi/proto/engine_pb";
import {
  GetRootResourceResponse,
  LogSeverity as LogSeverityCode,
  RequirePulumiVersionResponse,
  SetRootResourceResponse,
} from "@pulumi/pulumi/proto/engine_pb";

/** Severity of a message sent through the engine (`pulumirpc.LogSeverity`). */
export type LogSeverity = "debug" | "info" | "warning" | "error";

/** One `Engine.Log` call. */
export interface EngineLogEntry {
  /** How severe the message is. */
  severity: LogSeverity;
  /** The text as sent. */
  message: string;
  /** The resource the message is about, when one was named. */
  urn: string | undefined;
}

const severities: Record<number, LogSeverity> = {
  [LogSeverityCode.DEBUG]: "debug",
  [LogSeverityCode.INFO]: "info",
  [LogSeverityCode.WARNING]: "warning",
  [LogSeverityCode.ERROR]: "error",
};

/** A fresh Engine service and the log it fills, for `server.addService(EngineService, ...)`. */
export function createEngineService(): { implementation: IEngineServer; logs: EngineLogEntry[] } {
  const logs: EngineLogEntry[] = [];
  let rootResource = "";
  const implementation: IEngineServer = {
    log(call, callback) {
      logs.push({
        severity: severities[call.request.getSeverity()] ?? "info",
        message: call.request.getMessage(),
        urn: call.request.getUrn() || undefined,
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
  return { implementation, logs };
}
