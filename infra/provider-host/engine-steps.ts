// One resource's life as the engine drives it through a provider, with the state the engine keeps
// between runs (id, stored inputs, stored outputs). `up` runs Check then Diff, then Create or
// Update; `refresh` runs Read with the stored inputs and outputs (an empty id drops the resource);
// `destroy` runs Delete with the stored outputs: pkg/resource/deploy/step.go and
// step_generator.go. Which host runs a step is the caller's choice, so a later run can use a
// freshly configured host as a later `pulumi` command would.
import type {
  DiffResult,
  ProviderHostClient,
  ResourceAddress,
  ResourceState,
} from "./provider-client";
import type { PropertyMap } from "./property-values";

/** What the engine's state holds for the resource. */
export interface StoredResource {
  /** Provider-assigned id. */
  id: string;
  /** Inputs after Check, as stored. */
  inputs: PropertyMap;
  /** Outputs, as stored. */
  outputs: PropertyMap;
}

/** A check that failed: the engine stops before Diff and shows these. */
export function checkFailureMessage(failures: Array<{ property: string; reason: string }>): string {
  return failures.map((failure) => `${failure.property}: ${failure.reason}`).join("; ");
}

/** Drives one resource; see the file comment. */
export class EngineSteps {
  /** The resource's URN, type and name. */
  readonly address: ResourceAddress;
  /** The state after the last step, `undefined` before create and after delete or a vanished read. */
  stored: StoredResource | undefined;

  /** @param address - the resource's URN, type and name. */
  constructor(address: ResourceAddress) {
    this.address = address;
  }

  /**
   * `pulumi up` of a new resource: Check then Create.
   * @param host - the provider host of this run.
   * @param news - the inputs the program registered (with `__provider`).
   */
  async create(host: ProviderHostClient, news: PropertyMap): Promise<StoredResource> {
    const inputs = await this.check(host, news);
    const created = await host.create(this.address, inputs);
    this.stored = { id: created.id, inputs, outputs: created.properties };
    return this.stored;
  }

  /**
   * The planning half of `pulumi up` (what `pulumi preview` shows): Check then Diff.
   * @param host - the provider host of this run.
   * @param news - the inputs the program registered.
   */
  async diff(host: ProviderHostClient, news: PropertyMap): Promise<DiffResult> {
    const stored = this.require("diff");
    const inputs = await this.check(host, news, stored.inputs);
    return host.diff({ ...this.address, id: stored.id }, stored.inputs, stored.outputs, inputs);
  }

  /**
   * `pulumi up` of an existing resource whose diff said "update": Check then Update.
   * @param host - the provider host of this run.
   * @param news - the inputs the program registered.
   */
  async update(host: ProviderHostClient, news: PropertyMap): Promise<StoredResource> {
    const stored = this.require("update");
    const inputs = await this.check(host, news, stored.inputs);
    const updated = await host.update(
      { ...this.address, id: stored.id },
      stored.inputs,
      stored.outputs,
      inputs,
    );
    this.stored = { id: stored.id, inputs, outputs: updated.properties };
    return this.stored;
  }

  /**
   * `pulumi refresh`: Read; an empty id means the object is gone and leaves the state.
   * @param host - the provider host of this run.
   */
  async refresh(host: ProviderHostClient): Promise<ResourceState> {
    const stored = this.require("refresh");
    const read = await host.read({ ...this.address, id: stored.id }, stored.inputs, stored.outputs);
    this.stored = read.id === "" ? undefined : { ...stored, id: read.id, outputs: read.properties };
    return read;
  }

  /**
   * `pulumi destroy`: Delete with the stored outputs.
   * @param host - the provider host of this run.
   */
  async destroy(host: ProviderHostClient): Promise<void> {
    const stored = this.require("destroy");
    await host.delete({ ...this.address, id: stored.id }, stored.inputs, stored.outputs);
    this.stored = undefined;
  }

  private async check(
    host: ProviderHostClient,
    news: PropertyMap,
    olds: PropertyMap = {},
  ): Promise<PropertyMap> {
    const checked = await host.check(this.address, olds, news);
    if (checked.failures.length > 0) {
      throw new Error(
        `Check of ${this.address.urn} failed: ${checkFailureMessage(checked.failures)}`,
      );
    }
    return checked.inputs;
  }

  private require(step: string): StoredResource {
    if (!this.stored) throw new Error(`cannot ${step} ${this.address.urn}: it is not in the state`);
    return this.stored;
  }
}
