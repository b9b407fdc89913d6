import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installRecordingMocks, isSecretOutput, promiseOf } from "../../test/pulumi";

const recorder = installRecordingMocks({
  stack: "staging",
  providerOutputs: (resource) => (resource.type === "test:index:Thing" ? { endpoint: "host" } : {}),
});

class Thing extends pulumi.CustomResource {
  declare readonly endpoint: pulumi.Output<string>;
  constructor(name: string, inputs: pulumi.Inputs, options?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, { ...inputs, endpoint: undefined }, options);
  }
}

class Group extends pulumi.ComponentResource {
  readonly thing: Thing;
  constructor(name: string, options?: pulumi.ComponentResourceOptions) {
    super("test:index:Group", name, {}, options);
    this.thing = new Thing(
      `${name}-thing`,
      { plain: "visible", token: pulumi.secret("hidden"), nested: { list: [pulumi.secret("x")] } },
      { parent: this, protect: true },
    );
    this.registerOutputs({ endpoint: this.thing.endpoint });
  }
}

let group: Group;
beforeAll(async () => {
  group = new Group("group");
  new Thing("existing", {}, { id: "thing-42" });
  await recorder.settled();
});

describe("installRecordingMocks", () => {
  it("records the parent URN of a child", async () => {
    expect(recorder.named("test:index:Thing", "group-thing").parent).toBe(
      await promiseOf(group.urn),
    );
  });

  it("records protect", () => {
    expect(recorder.named("test:index:Thing", "group-thing").protect).toBe(true);
  });

  it("records a component as not custom", () => {
    expect(recorder.named("test:index:Group", "group").custom).toBe(false);
  });

  it("lists top-level inputs that are or contain secrets", () => {
    expect(recorder.named("test:index:Thing", "group-thing").secretInputs.sort()).toEqual([
      "nested",
      "token",
    ]);
  });

  it("keeps real input values for assertions", () => {
    expect(recorder.named("test:index:Thing", "group-thing").inputs["token"]).toBe("hidden");
  });

  it("redacts secret inputs", () => {
    expect(recorder.named("test:index:Thing", "group-thing").redactedInputs).toMatchObject({
      plain: "visible",
      token: "[secret]",
      nested: { list: ["[secret]"] },
    });
  });

  it("reports provider outputs from providerOutputs", async () => {
    expect(await promiseOf(group.thing.endpoint)).toBe("host");
  });

  it("tells secret outputs apart", async () => {
    expect(await isSecretOutput(pulumi.secret("a"))).toBe(true);
  });

  it("tells plain outputs apart", async () => {
    expect(await isSecretOutput(pulumi.output("a"))).toBe(false);
  });

  it("throws on a provider call nobody mocked", async () => {
    await expect(pulumi.runtime.invoke("test:index:lookup", {})).rejects.toThrow(
      /Unmocked provider call test:index:lookup/,
    );
  });

  it("records a resource read by id as read, not created", () => {
    expect(recorder.named("test:index:Thing", "existing").read).toBe(true);
  });

  it("records a created resource as not read", () => {
    expect(recorder.named("test:index:Thing", "group-thing").read).toBe(false);
  });

  it("names the registered types when a type is missing", () => {
    expect(() => recorder.ofType("test:index:Missing")).toThrow(/registered: .*test:index:Group/);
  });
});
