// The plan's stand-in for the Pulumi engine: the two gRPC services a Node.js program talks to
// (pulumirpc.ResourceMonitor and pulumirpc.Engine, stubs shipped in @pulumi/pulumi/proto) on a
// loopback port. Registrations are answered by the SDK's own MockMonitor (what `setMocks`
// installs), wrapped by the recorder; URNs and duplicate-URN failures follow the engine
// (pkg/resource/deploy/deployment.go generateURN, sdk/go/common/resource/urn/urn.go New).
import * as grpc from "@grpc/grpc-js";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import * as pulumi from "@pulumi/pulumi";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { createEngineService, type EngineLogEntry } from "./engine-service";
import {
  recordingMocks,
  recordMonitor,
  type Callback,
  type PatchableMonitor,
  type ResourceRecorder,
} from "./recording-mocks";

/** Options of {@link startEngineServer}. */
export interface EngineServerOptions {
  /** The project name (`name` in Pulumi.yaml), part of every URN. */
  project: string;
  /** The stack name, part of every URN. */
  stack: string;
}

/** A running engine: its address, what it recorded, and how to stop it. */
export interface EngineServer {
  /** `127.0.0.1:<port>`, given to the program as `--monitor` and `--engine`. */
  address: string;
  /** Every registration, in order. */
  recorder: ResourceRecorder;
  /** Every `Engine.Log` call, in order. */
  logs: EngineLogEntry[];
  /** Registrations the engine refused (duplicate URN, unknown parent), with the reason. */
  refusals: string[];
  /** Stops listening; in-flight calls are cut. */
  stop(): Promise<void>;
}

const rootStackType = "pulumi:pulumi:Stack";

/** The URN the engine gives a resource: the parent's qualified type, unless it is the stack. */
export function engineUrn(
  options: EngineServerOptions,
  parent: string | undefined,
  type: string,
  name: string,
): string {
  const parentType = parent ? (parent.split("::")[2] ?? "") : "";
  const qualifiedType =
    parentType !== "" && parentType !== rootStackType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${options.stack}::${options.project}::${qualifiedType}::${name}`;
}

type UnaryHandler = grpc.handleUnaryCall<unknown, unknown>;

interface MockMonitorInternals extends PatchableMonitor {
  newUrn(parent: string, type: string, name: string): string;
  invoke(request: unknown, callback: Callback): Promise<void>;
  registerPackage(request: unknown, callback: Callback): void;
  supportsFeature(request: unknown, callback: Callback): void;
}

interface RegistrationRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
}

function refuse(callback: Callback, refusals: string[], message: string): void {
  refusals.push(message);
  callback({ code: grpc.status.INVALID_ARGUMENT, details: message }, undefined);
}

/**
 * Starts the engine's ResourceMonitor and Engine services on a free loopback port.
 * Programs are run as previews: provider-computed outputs stay unknown.
 */
export async function startEngineServer(options: EngineServerOptions): Promise<EngineServer> {
  // The SDK's mock runtime supplies the monitor; this process never runs a program itself.
  const recorder = (() => {
    void pulumi.runtime.setMocks(
      recordingMocks({ preview: true }),
      options.project,
      options.stack,
      true,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorInternals;
    monitor.newUrn = (parent, type, name) => engineUrn(options, parent, type, name);
    return { monitor, recorder: recordMonitor(monitor, () => Promise.resolve()) };
  })();
  const { monitor } = recorder;
  const engineService = createEngineService();
  const refusals: string[] = [];
  const registered = new Set<string>();

  const guardRegistration =
    (forward: (request: never, callback: Callback) => unknown): UnaryHandler =>
    (call, callback) => {
      const request = call.request as RegistrationRequest;
      const parent = request.getParent() || undefined;
      const urn = engineUrn(options, parent, request.getType(), request.getName());
      if (parent !== undefined && !registered.has(parent)) {
        refuse(
          callback as unknown as Callback,
          refusals,
          `unknown parent URN '${parent}' for resource '${urn}'`,
        );
        return;
      }
      if (registered.has(urn)) {
        refuse(
          callback as unknown as Callback,
          refusals,
          `Duplicate resource URN '${urn}'; try giving it a unique name`,
        );
        return;
      }
      registered.add(urn);
      void forward(call.request as never, callback as unknown as Callback);
    };

  const server = new grpc.Server();
  server.addService(resourceGrpc.ResourceMonitorService, {
    supportsFeature(
      call: grpc.ServerUnaryCall<resourceProto.SupportsFeatureRequest, unknown>,
      callback: Callback,
    ) {
      monitor.supportsFeature(call.request, (error, answer) => {
        const response = new resourceProto.SupportsFeatureResponse();
        response.setHassupport(
          error === null && (answer as { getHassupport(): boolean }).getHassupport(),
        );
        callback(null, response);
      });
    },
    registerResource: guardRegistration((request, callback) =>
      monitor.registerResource(request, callback),
    ),
    readResource: guardRegistration((request, callback) => monitor.readResource(request, callback)),
    registerResourceOutputs(call: grpc.ServerUnaryCall<never, unknown>, callback: Callback) {
      monitor.registerResourceOutputs(call.request, (error) =>
        callback(error ?? null, error ? undefined : new Empty()),
      );
    },
    invoke(call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback) {
      void monitor.invoke(call.request, callback);
    },
    registerPackage(call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback) {
      monitor.registerPackage(call.request, callback);
    },
    signalAndWaitForShutdown(_call: grpc.ServerUnaryCall<unknown, unknown>, callback: Callback) {
      callback(null, new Empty());
    },
  } as unknown as grpc.UntypedServiceImplementation);
  server.addService(engineGrpc.EngineService, engineService.implementation);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    recorder: recorder.recorder,
    logs: engineService.logs,
    refusals,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // A program that never disconnects must not keep the plan alive.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000).unref();
      }),
  };
}
