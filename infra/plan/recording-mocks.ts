import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";

/** Stands for a value only the provider knows after `pulumi up` (an id, an endpoint...). */
export const unknownMarker = "[unknown]";
/** Replaces every secret value in redacted inputs. */
export const secretMarker = "[secret]";
/** Replaces the serialized code of a dynamic provider (`__provider`). */
export const dynamicProviderMarker = "[dynamic provider]";

/** One resource registration, as the engine would have received it. */
export interface RecordedResource {
  /** The resource's URN (`urn:pulumi:<stack>::<project>::<parent types$type>::<name>`). */
  urn: string;
  /** The resource type token. @example "upstash:index/redisDatabase:RedisDatabase" */
  type: string;
  /** The logical name given to the constructor. */
  name: string;
  /** The parent's URN; `undefined` only for the stack itself. */
  parent: string | undefined;
  /** True for provider resources, false for components. */
  custom: boolean;
  /** True for an existing resource read with `get` or a StackReference: nothing is created. */
  read: boolean;
  /** `protect` as registered. */
  protect: boolean;
  /** The `provider` reference (`<provider urn>::<id>`), when one was passed explicitly. */
  provider: string | undefined;
  /** `additionalSecretOutputs` as registered. */
  additionalSecretOutputs: string[];
  /** Inputs with their real values (secrets unwrapped, unknowns as {@link unknownMarker}): for assertions only. */
  inputs: Record<string, unknown>;
  /** Inputs safe to print: secrets, unknowns and dynamic-provider code replaced by markers. */
  redactedInputs: Record<string, unknown>;
  /** Top-level input names whose value is, or contains, a secret. */
  secretInputs: string[];
}

/** A resource's outputs as registered by `registerOutputs` (components and the stack). */
export interface RecordedOutputs {
  /** The URN the outputs belong to. */
  urn: string;
  /** Outputs with secrets, unknowns and dynamic-provider code replaced by markers. */
  redactedOutputs: Record<string, unknown>;
}

/** What {@link installRecordingMocks} returns: the registrations, as they happen. */
export interface ResourceRecorder {
  /** Every registered resource, in registration order (read after {@link settled}). */
  readonly resources: RecordedResource[];
  /** Outputs registered per URN (read after {@link settled}). */
  readonly outputs: Map<string, RecordedOutputs>;
  /** Resolves once every registration started so far has reached the mock engine. */
  settled(): Promise<void>;
  /** The registered resources of one type; throws naming the type when there is none. */
  ofType(type: string): RecordedResource[];
  /** The one resource with this type and name; throws when it is missing. */
  named(type: string, name: string): RecordedResource;
}

/** Options of {@link installRecordingMocks}. */
export interface RecordingMockOptions {
  /** The project name in URNs. @default "ai-platform" */
  project?: string;
  /** The stack name. @default "test" */
  stack?: string;
  /**
   * Run as a preview: provider-computed outputs stay unknown (the offline plan). Tests keep
   * the default so outputs resolve and can be awaited.
   * @default false
   */
  preview?: boolean;
  /**
   * Extra state a fake provider reports for a resource after create (e.g. an endpoint), merged
   * over the echoed inputs. Not used in preview, where those values must stay unknown.
   */
  providerOutputs?: (resource: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
  /**
   * Answers for provider functions (`invoke`), by token. Any other call throws, so a program
   * that starts depending on a provider lookup fails loudly instead of getting `{}`.
   * @default {}
   */
  calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}

type RawValue = unknown;
interface Normalized {
  value: unknown;
  redacted: unknown;
  secret: boolean;
}

const signatures = pulumi.runtime;

function normalize(raw: RawValue, key: string | undefined): Normalized {
  if (key === "__provider" && typeof raw === "string") {
    return { value: raw, redacted: dynamicProviderMarker, secret: false };
  }
  if (raw === signatures.unknownValue) {
    return { value: unknownMarker, redacted: unknownMarker, secret: false };
  }
  if (Array.isArray(raw)) {
    const items = raw.map((item) => normalize(item, undefined));
    return {
      value: items.map((item) => item.value),
      redacted: items.map((item) => item.redacted),
      secret: items.some((item) => item.secret),
    };
  }
  if (raw === null || typeof raw !== "object") {
    return { value: raw, redacted: raw, secret: false };
  }
  const record = raw as Record<string, unknown>;
  const signature = record[signatures.specialSigKey];
  if (signature === signatures.specialSecretSig) {
    const inner = normalize(record["value"], key);
    return { value: inner.value, redacted: secretMarker, secret: true };
  }
  if (signature === signatures.specialResourceSig) {
    const urn = String(record["urn"]);
    return { value: urn, redacted: urn, secret: false };
  }
  if (signature === signatures.specialOutputValueSig) {
    if (record["secret"] === true) {
      const inner = normalize(record["value"], key);
      return { value: inner.value, redacted: secretMarker, secret: true };
    }
    return record["value"] === undefined
      ? { value: unknownMarker, redacted: unknownMarker, secret: false }
      : normalize(record["value"], key);
  }
  if (signature === signatures.specialAssetSig || signature === signatures.specialArchiveSig) {
    const description = `[asset ${String(record["path"] ?? record["uri"] ?? "inline")}]`;
    return { value: record, redacted: description, secret: false };
  }
  const value: Record<string, unknown> = {};
  const redacted: Record<string, unknown> = {};
  let secret = false;
  for (const [childKey, child] of Object.entries(record)) {
    const normalized = normalize(child, childKey);
    value[childKey] = normalized.value;
    redacted[childKey] = normalized.redacted;
    secret ||= normalized.secret;
  }
  return { value, redacted, secret };
}

/** A protobuf `Struct` as the SDK hands it over. */
export interface StructLike {
  toJavaScript(): Record<string, unknown>;
}
/** The parts of a `RegisterResourceRequest` the recorder reads. */
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
  getObject(): StructLike | undefined;
}
/** The parts of a `ReadResourceRequest` the recorder reads. */
export interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
  getProperties(): StructLike | undefined;
}
/** The parts of a `RegisterResourceOutputsRequest` the recorder reads. */
export interface OutputsRequest {
  getUrn(): string;
  getOutputs(): StructLike | undefined;
}
/** A gRPC-style unary callback. */
export type Callback = (error: unknown, response: unknown) => void;
/** The registration methods of the SDK's `MockMonitor` that the recorder wraps. */
export interface PatchableMonitor {
  registerResource(request: RegisterRequest, callback: Callback): Promise<void>;
  readResource(request: ReadRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(request: OutputsRequest, callback: Callback): void;
}

// The SDK exports this at run time but not in its typings; it tracks every in-flight RPC.
const { waitForRPCs } = runtimeSettings as unknown as { waitForRPCs(): Promise<void> };

/**
 * The `Mocks` the recorder answers with: provider-computed state is left out in a preview (it
 * stays unknown, as before the provider creates anything) and faked by `providerOutputs`
 * otherwise; unmocked provider calls throw.
 */
export function recordingMocks(options: RecordingMockOptions = {}): pulumi.runtime.Mocks {
  const preview = options.preview ?? false;
  const calls = options.calls ?? {};
  return {
    newResource(resource) {
      const computed =
        preview || options.providerOutputs === undefined ? {} : options.providerOutputs(resource);
      return {
        // In a preview an empty id is unknown, as it is before the provider creates anything.
        id: preview ? undefined : `${resource.name}-id`,
        state: { ...resource.inputs, ...computed },
      };
    },
    call(call) {
      const answer = calls[call.token];
      if (answer === undefined) {
        const message = `Unmocked provider call ${call.token}; add it to the calls option of installRecordingMocks`;
        // The SDK rebuilds invoke errors from the gRPC `details` field, so the text goes there too.
        throw Object.assign(new Error(message), { details: message });
      }
      return answer(call.inputs);
    },
  };
}

/**
 * Installs `pulumi.runtime.setMocks` and records every registration with what `Mocks` alone
 * does not see: parent, protect, provider, additionalSecretOutputs and which inputs are secret.
 *
 * Call it before importing the program or a component module; then construct resources, await
 * `settled()`, and assert on `resources`. Used by component tests (through `test/pulumi/`).
 */
export function installRecordingMocks(options: RecordingMockOptions = {}): ResourceRecorder {
  void pulumi.runtime.setMocks(
    recordingMocks(options),
    options.project ?? "ai-platform",
    options.stack ?? "test",
    options.preview ?? false,
  );
  return recordMonitor(pulumi.runtime.getMonitor() as unknown as PatchableMonitor, () =>
    waitForRPCs(),
  );
}

/**
 * Wraps a mock monitor's registration methods so every registration is recorded; the in-process
 * mock runtime and the plan's gRPC engine (`engine-server.ts`) share it.
 *
 * @param monitor The SDK's `MockMonitor` (or the object `setMocks` installed), patched in place.
 * @param settled Resolves once every registration started so far has been answered.
 */
export function recordMonitor(
  monitor: PatchableMonitor,
  settled: () => Promise<void>,
): ResourceRecorder {
  const resources: RecordedResource[] = [];
  const outputs = new Map<string, RecordedOutputs>();
  const registerResource = monitor.registerResource.bind(monitor);
  const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);

  const readResource = monitor.readResource.bind(monitor);

  const record = (
    urn: string,
    raw: Record<string, unknown>,
    fields: Omit<RecordedResource, "urn" | "inputs" | "redactedInputs" | "secretInputs">,
  ) => {
    const inputs: Record<string, unknown> = {};
    const redactedInputs: Record<string, unknown> = {};
    const secretInputs: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
      const normalized = normalize(value, key);
      inputs[key] = normalized.value;
      redactedInputs[key] = normalized.redacted;
      if (normalized.secret) {
        secretInputs.push(key);
      }
    }
    resources.push({ urn, ...fields, inputs, redactedInputs, secretInputs });
  };

  monitor.registerResource = (request, callback) =>
    registerResource(request, (error, response) => {
      if (!error) {
        record(
          (response as { getUrn(): string }).getUrn(),
          request.getObject()?.toJavaScript() ?? {},
          {
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent() || undefined,
            custom: request.getCustom(),
            read: false,
            protect: request.getProtect() === true,
            provider: request.getProvider() || undefined,
            additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
          },
        );
      }
      callback(error, response);
    });

  monitor.readResource = (request, callback) =>
    readResource(request, (error, response) => {
      if (!error) {
        record(
          (response as { getUrn(): string }).getUrn(),
          request.getProperties()?.toJavaScript() ?? {},
          {
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent() || undefined,
            custom: true,
            read: true,
            protect: false,
            provider: request.getProvider() || undefined,
            additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
          },
        );
      }
      callback(error, response);
    });

  monitor.registerResourceOutputs = (request, callback) => {
    const raw = request.getOutputs()?.toJavaScript() ?? {};
    outputs.set(request.getUrn(), {
      urn: request.getUrn(),
      redactedOutputs: normalize(raw, undefined).redacted as Record<string, unknown>,
    });
    registerResourceOutputs(request, callback);
  };

  return {
    resources,
    outputs,
    settled,
    ofType(type) {
      const matching = resources.filter((resource) => resource.type === type);
      if (matching.length === 0) {
        const seen = [...new Set(resources.map((resource) => resource.type))].join(", ");
        throw new Error(`No resource of type ${type} was registered (registered: ${seen})`);
      }
      return matching;
    },
    named(type, name) {
      const match = resources.find((resource) => resource.type === type && resource.name === name);
      if (match === undefined) {
        const names = resources.filter((resource) => resource.type === type).map((r) => r.name);
        throw new Error(`No ${type} named ${name} (named: ${names.join(", ") || "none"})`);
      }
      return match;
    },
  };
}
