// The engine's side of the ResourceProvider gRPC service, for the dynamic provider host: the same
// calls, in the same order and with the same fields as pkg/resource/plugin/provider_plugin.go
// (Handshake, falling back to GetPluginInfo and Configure for an older plugin; then Check, Diff,
// Create, Read, Update, Delete). Properties are marshalled with secrets only when the host accepted
// them in Configure, as `KeepSecrets: protocol.acceptSecrets` does.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type {
  CheckResponse,
  ConfigureResponse,
  CreateResponse,
  ProviderHandshakeResponse,
  ReadResponse,
  UpdateResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import {
  CheckRequest,
  ConfigureRequest,
  CreateRequest,
  DeleteRequest,
  DiffRequest,
  DiffResponse,
  ProviderHandshakeRequest,
  ReadRequest,
  UpdateRequest,
} from "@pulumi/pulumi/proto/provider_pb";
import { marshalProperties, unmarshalProperties, type PropertyMap } from "./property-values";

/** A resource as the engine addresses it. */
export interface ResourceAddress {
  /** `urn:pulumi:<stack>::<project>::<type>::<name>`. */
  urn: string;
  /** The type token. */
  type: string;
  /** The logical name. */
  name: string;
}

/** What Check answered. */
export interface CheckResult {
  /** The checked inputs (with `__provider`). */
  inputs: PropertyMap;
  /** Validation failures. */
  failures: Array<{ property: string; reason: string }>;
}

/** What Diff answered. */
export interface DiffResult {
  /** `none`, `some` or `unknown`. */
  changes: "none" | "some" | "unknown";
  /** Properties whose change needs a replacement. */
  replaces: string[];
  /** Whether the old resource must go before the new one is created. */
  deleteBeforeReplace: boolean;
}

/** What Create, Read and Update answered. */
export interface ResourceState {
  /** The id; an empty id from Read means the resource no longer exists. */
  id: string;
  /** The outputs (with `__provider`). */
  properties: PropertyMap;
}

/** A gRPC failure of one call, with the message the engine would show. */
export interface ProviderCallError extends Error {
  /** The gRPC status code. */
  code: number;
  /** The error text the provider sent (what `rpcerror.Convert` shows to the user). */
  details: string;
}

const diffChanges: Record<number, DiffResult["changes"]> = {
  [DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [DiffResponse.DiffChanges.DIFF_SOME]: "some",
  [DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
};

/** Options of {@link ProviderHostClient}. */
export interface ProviderHostClientOptions {
  /** The host's `127.0.0.1:<port>`. */
  address: string;
  /** The engine's address, sent in the handshake. */
  engineAddress: string;
  /** Root and program directories, sent in the handshake. */
  projectDirectory: string;
  /** How long one call may take, in milliseconds. @default 60000 */
  callTimeoutMilliseconds?: number;
}

/** A gRPC client that talks to the dynamic provider host the way the engine does. */
export class ProviderHostClient {
  private readonly client: ResourceProviderClient;
  private readonly options: ProviderHostClientOptions;
  private acceptSecrets = false;

  /** @param options - see {@link ProviderHostClientOptions}. */
  constructor(options: ProviderHostClientOptions) {
    this.options = options;
    this.client = new ResourceProviderClient(options.address, grpc.credentials.createInsecure());
  }

  /** Handshake; the dynamic provider host answers UNIMPLEMENTED and the engine falls back. */
  async handshake(): Promise<{ implemented: boolean }> {
    const request = new ProviderHandshakeRequest()
      .setEngineAddress(this.options.engineAddress)
      .setRootDirectory(this.options.projectDirectory)
      .setProgramDirectory(this.options.projectDirectory)
      .setConfigureWithUrn(true)
      .setSupportsViews(true)
      .setInvokeWithPreview(true);
    try {
      await this.unary<ProviderHandshakeResponse>((callback) =>
        this.client.handshake(request, this.metadata(), this.callOptions(), callback),
      );
      return { implemented: true };
    } catch (error) {
      if ((error as ProviderCallError).code === grpc.status.UNIMPLEMENTED)
        return { implemented: false };
      throw error;
    }
  }

  /** GetPluginInfo: the SDK version the host reports. */
  async getPluginInfo(): Promise<{ version: string }> {
    const info = await this.unary<PluginInfo>((callback) =>
      this.client.getPluginInfo(new Empty(), this.metadata(), this.callOptions(), callback),
    );
    return { version: info.getVersion() };
  }

  /**
   * Configure with the provider's config, as `Configure` in provider_plugin.go sends it: `args`
   * with secrets kept, the deprecated `variables` (`<pkg>:config:<key>`, secrets as plaintext).
   * @param provider - the default provider's address (`pulumi:providers:pulumi-nodejs`).
   * @param config - config values by namespaced key, secrets as wrappers.
   * @param variables - the same config as plain strings.
   */
  async configure(
    provider: ResourceAddress & { id: string },
    config: PropertyMap,
    variables: Record<string, string>,
  ): Promise<{ acceptSecrets: boolean }> {
    const request = new ConfigureRequest()
      .setUrn(provider.urn)
      .setName(provider.name)
      .setType(provider.type)
      .setId(provider.id)
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true)
      .setArgs(marshalProperties(config, true));
    const variablesMap = request.getVariablesMap();
    for (const [key, value] of Object.entries(variables)) variablesMap.set(key, value);
    const response = await this.unary<ConfigureResponse>((callback) =>
      this.client.configure(request, this.metadata(), this.callOptions(), callback),
    );
    this.acceptSecrets = response.getAcceptsecrets();
    return { acceptSecrets: this.acceptSecrets };
  }

  /**
   * Check: validates new inputs against the old ones.
   * @param resource - the resource.
   * @param olds - old inputs (empty for a create).
   * @param news - new inputs, with `__provider`.
   */
  async check(
    resource: ResourceAddress,
    olds: PropertyMap,
    news: PropertyMap,
  ): Promise<CheckResult> {
    const request = new CheckRequest()
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setOlds(this.marshal(olds))
      .setNews(this.marshal(news))
      .setRandomseed(new Uint8Array(32));
    const response = await this.unary<CheckResponse>((callback) =>
      this.client.check(request, this.metadata(), this.callOptions(), callback),
    );
    return {
      inputs: unmarshalProperties(response.getInputs()),
      failures: response
        .getFailuresList()
        .map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  /**
   * Diff: what an update would change.
   * @param resource - the resource and its id.
   * @param oldInputs - the inputs stored in the state.
   * @param oldOutputs - the outputs stored in the state (the dynamic provider's `olds`).
   * @param newInputs - the checked new inputs.
   */
  async diff(
    resource: ResourceAddress & { id: string },
    oldInputs: PropertyMap,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
  ): Promise<DiffResult> {
    const request = new DiffRequest()
      .setId(resource.id)
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setOldInputs(this.marshal(oldInputs))
      .setOlds(this.marshal(oldOutputs))
      .setNews(this.marshal(newInputs));
    const response = await this.unary<DiffResponse>((callback) =>
      this.client.diff(request, this.metadata(), this.callOptions(), callback),
    );
    return {
      changes: diffChanges[response.getChanges()] ?? "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  /**
   * Create.
   * @param resource - the resource.
   * @param inputs - the checked inputs.
   */
  async create(resource: ResourceAddress, inputs: PropertyMap): Promise<ResourceState> {
    const request = new CreateRequest()
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setProperties(this.marshal(inputs));
    const response = await this.unary<CreateResponse>((callback) =>
      this.client.create(request, this.metadata(), this.callOptions(), callback),
    );
    return { id: response.getId(), properties: unmarshalProperties(response.getProperties()) };
  }

  /**
   * Read (refresh): the live state of an existing resource.
   * @param resource - the resource and its id.
   * @param inputs - the inputs stored in the state.
   * @param state - the outputs stored in the state.
   */
  async read(
    resource: ResourceAddress & { id: string },
    inputs: PropertyMap,
    state: PropertyMap,
  ): Promise<ResourceState> {
    const request = new ReadRequest()
      .setId(resource.id)
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setProperties(this.marshal(state))
      .setInputs(this.marshal(inputs));
    const response = await this.unary<ReadResponse>((callback) =>
      this.client.read(request, this.metadata(), this.callOptions(), callback),
    );
    return { id: response.getId(), properties: unmarshalProperties(response.getProperties()) };
  }

  /**
   * Update.
   * @param resource - the resource and its id.
   * @param oldInputs - the inputs stored in the state.
   * @param oldOutputs - the outputs stored in the state.
   * @param newInputs - the checked new inputs.
   */
  async update(
    resource: ResourceAddress & { id: string },
    oldInputs: PropertyMap,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
  ): Promise<ResourceState> {
    const request = new UpdateRequest()
      .setId(resource.id)
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setOldInputs(this.marshal(oldInputs))
      .setOlds(this.marshal(oldOutputs))
      .setNews(this.marshal(newInputs));
    const response = await this.unary<UpdateResponse>((callback) =>
      this.client.update(request, this.metadata(), this.callOptions(), callback),
    );
    return { id: resource.id, properties: unmarshalProperties(response.getProperties()) };
  }

  /**
   * Delete.
   * @param resource - the resource and its id.
   * @param oldInputs - the inputs stored in the state.
   * @param outputs - the outputs stored in the state.
   */
  async delete(
    resource: ResourceAddress & { id: string },
    oldInputs: PropertyMap,
    outputs: PropertyMap,
  ): Promise<void> {
    const request = new DeleteRequest()
      .setId(resource.id)
      .setUrn(resource.urn)
      .setName(resource.name)
      .setType(resource.type)
      .setOldInputs(this.marshal(oldInputs))
      .setProperties(this.marshal(outputs));
    await this.unary<Empty>((callback) =>
      this.client.delete(request, this.metadata(), this.callOptions(), callback),
    );
  }

  /** Closes the connection. */
  close(): void {
    this.client.close();
  }

  private marshal(properties: PropertyMap) {
    return marshalProperties(properties, this.acceptSecrets);
  }

  private metadata(): grpc.Metadata {
    return new grpc.Metadata();
  }

  private callOptions(): Partial<grpc.CallOptions> {
    return { deadline: Date.now() + (this.options.callTimeoutMilliseconds ?? 60_000) };
  }

  private unary<T>(
    start: (callback: (error: grpc.ServiceError | null, response: T) => void) => unknown,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      start((error, response) => {
        if (error) {
          reject(
            Object.assign(new Error(error.details || error.message), {
              code: error.code,
              details: error.details,
            }),
          );
          return;
        }
        resolve(response);
      });
    });
  }
}
