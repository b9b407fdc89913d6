// The provider-host checks, shared by the vitest suites and `cli.ts`: each one drives a dynamic
// resource through the real host with EngineSteps and throws (node:assert) when the behaviour is
// wrong. Every check starts from an empty loopback API, so the order does not matter.
import assert from "node:assert/strict";
import { EngineSteps } from "./engine-steps";
import type { ProviderHostFixture } from "./fixture";
import type { ProviderCallError } from "./provider-client";
import type { FaultPoint, ResourceKind } from "./resource-kinds";

/** One check of one resource type. */
export interface Scenario {
  /** What must hold, as a sentence, e.g. `a no-op diff reports no change`. */
  title: string;
  /** Needs the second host configured with the rotated token. */
  rotation: boolean;
  /**
   * Runs the check; throws when it does not hold.
   * @param fixture - the shared set-up.
   * @param kind - the resource type under test.
   */
  run(fixture: ProviderHostFixture, kind: ResourceKind): Promise<void>;
}

async function created(fixture: ProviderHostFixture, kind: ResourceKind): Promise<EngineSteps> {
  await fixture.resetServer();
  const steps = new EngineSteps(kind.address(fixture));
  await steps.create(fixture.host.client, kind.inputs(fixture));
  assert.ok(await kind.exists(fixture), `create left no ${kind.label} on the Management API`);
  return steps;
}

async function failure(promise: Promise<unknown>): Promise<ProviderCallError> {
  try {
    await promise;
  } catch (error) {
    return error as ProviderCallError;
  }
  assert.fail("the step succeeded, but the Management API answered with an error");
}

async function provoke(
  fixture: ProviderHostFixture,
  kind: ResourceKind,
  point: FaultPoint,
  status: number,
): Promise<void> {
  const token = fixture.tokens.current;
  let steps: EngineSteps;
  if (point.step === "refresh") {
    steps = await created(fixture, kind);
  } else {
    await fixture.resetServer();
    steps = new EngineSteps(kind.address(fixture));
  }
  const path = point.endpoint(fixture).split("?")[0];
  // The body echoes the token, as some APIs do, so the check proves it is redacted.
  fixture.server.injectFault({
    method: point.method,
    path: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
    status,
    body: { message: `request with token ${token} failed` },
  });
  const error = await failure(
    point.step === "refresh"
      ? steps.refresh(fixture.host.client)
      : steps.create(fixture.host.client, kind.inputs(fixture)),
  );
  const endpoint = `${point.method} ${point.endpoint(fixture)}`;
  assert.match(
    error.details ?? "",
    new RegExp(`\\b${status}\\b`),
    `no status ${status} in "${error.details}"`,
  );
  assert.ok(error.details?.includes(endpoint), `"${error.details}" does not name ${endpoint}`);
  assert.ok(
    !error.details?.includes(token),
    `the error shows the access token: "${error.details}"`,
  );
  assert.ok(
    !fixture.host.process.stderr().includes(token),
    "the host's stderr shows the access token",
  );
}

/** Every check, in report order. */
export const scenarios: readonly Scenario[] = [
  {
    title: "its serialized provider holds no Error subclass and no access token",
    rotation: false,
    async run(fixture, kind) {
      const code = String(kind.inputs(fixture).__provider);
      assert.ok(code.includes("exports.handler"), "__provider is not a serialized provider module");
      // The serializer rewrites `class X extends Error` into a function whose prototype chain is
      // set with Object.setPrototypeOf(…, global.Error): either form is a subclass of Error.
      assert.doesNotMatch(
        code,
        /extends\s+Error\b|setPrototypeOf\([^)]*\bError\)/,
        "__provider defines a subclass of Error",
      );
      assert.ok(!code.includes(fixture.tokens.current), "__provider captured the access token");
    },
  },
  {
    title: "create stores outputs without the access token",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      const { __provider: _code, ...outputs } = steps.stored?.outputs ?? {};
      const holding = Object.keys(outputs).filter((key) =>
        JSON.stringify(outputs[key]).includes(fixture.tokens.current),
      );
      assert.deepEqual(holding, [], `outputs ${holding.join(", ")} hold the access token`);
      assert.equal(steps.stored?.outputs.accessToken, undefined);
    },
  },
  {
    title: "a diff with unchanged inputs reports no change",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      const diff = await steps.diff(fixture.host.client, kind.inputs(fixture));
      assert.equal(diff.changes, "none");
    },
  },
  {
    title: "a changed input is an update, not a replacement",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      const diff = await steps.diff(fixture.host.client, kind.updatedInputs(fixture));
      assert.equal(diff.changes, "some");
      assert.deepEqual(diff.replaces, []);
    },
  },
  {
    title: "update applies the changed input",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await steps.update(fixture.host.client, kind.updatedInputs(fixture));
      assert.ok(await kind.showsUpdate(fixture), "the Management API does not show the update");
    },
  },
  {
    title: "a changed projectRef is a replacement",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      const diff = await steps.diff(fixture.host.client, kind.replacingInputs(fixture));
      assert.equal(diff.changes, "some");
      assert.deepEqual(diff.replaces, [kind.replacingProperty]);
    },
  },
  {
    title: "diff detects a change made out of band",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await kind.drift(fixture);
      const diff = await steps.diff(fixture.host.client, kind.inputs(fixture));
      assert.equal(diff.changes, "some");
    },
  },
  {
    title: "refresh records a change made out of band",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      const before = JSON.stringify(steps.stored?.outputs);
      await kind.drift(fixture);
      const read = await steps.refresh(fixture.host.client);
      assert.notEqual(read.id, "", "refresh reported a drifted object as gone");
      assert.notEqual(JSON.stringify(read.properties), before, "refresh kept the old outputs");
    },
  },
  {
    title: "update repairs a change made out of band",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await kind.drift(fixture);
      await steps.update(fixture.host.client, kind.inputs(fixture));
      assert.ok(await kind.matchesInputs(fixture), "the live object still differs from the inputs");
      const diff = await steps.diff(fixture.host.client, kind.inputs(fixture));
      assert.equal(diff.changes, "none", "a diff after the repair still reports a change");
    },
  },
  {
    title: "refresh of an object deleted out of band reports it gone",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await kind.vanish(fixture);
      const read = await steps.refresh(fixture.host.client);
      assert.equal(read.id, "", "Read returned an id for an object that no longer exists");
    },
  },
  {
    title: "destroy of an object deleted out of band succeeds",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await kind.vanish(fixture);
      await steps.destroy(fixture.host.client);
    },
  },
  {
    title: "destroy deletes the object",
    rotation: false,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      await steps.destroy(fixture.host.client);
      assert.ok(!(await kind.exists(fixture)), `the ${kind.label} is still on the Management API`);
    },
  },
  {
    title: "a 401 names the status and the endpoint, never the token",
    rotation: false,
    run: (fixture, kind) => provoke(fixture, kind, kind.faults.unauthorized, 401),
  },
  {
    title: "a 500 names the status and the endpoint, never the token",
    rotation: false,
    run: (fixture, kind) => provoke(fixture, kind, kind.faults.serverError, 500),
  },
  {
    title: "after a token rotation the old token is rejected",
    rotation: true,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      fixture.server.rotateAccessToken(fixture.tokens.rotated);
      const error = await failure(steps.refresh(fixture.host.client));
      assert.match(error.details ?? "", /\b401\b/);
    },
  },
  {
    title: "after a token rotation refresh uses the new token",
    rotation: true,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      fixture.server.rotateAccessToken(fixture.tokens.rotated);
      fixture.server.clearRequests();
      const rotated = await fixture.rotatedHost();
      const read = await steps.refresh(rotated.client);
      assert.notEqual(read.id, "", "refresh with the new token lost the object");
      assert.ok(fixture.server.requests.length > 0, "refresh sent no request");
      assert.ok(
        fixture.server.requests.every((request) => request.authorized),
        "refresh sent a request with a token the API no longer accepts",
      );
    },
  },
  {
    title: "after a token rotation destroy uses the new token",
    rotation: true,
    async run(fixture, kind) {
      const steps = await created(fixture, kind);
      fixture.server.rotateAccessToken(fixture.tokens.rotated);
      fixture.server.clearRequests();
      const rotated = await fixture.rotatedHost();
      await steps.destroy(rotated.client);
      assert.ok(!(await kind.exists(fixture)), `the ${kind.label} is still on the Management API`);
      assert.ok(
        fixture.server.requests.every((request) => request.authorized),
        "destroy sent a request with a token the API no longer accepts",
      );
    },
  },
];
