// Property values as they travel between the engine and a provider: `google.protobuf.Struct`, with
// secrets as Pulumi's signature objects (sdk/go/common/resource/plugin/rpc.go `MarshalPropertyValue`).
// The engine keeps the signatures only for a provider that accepted secrets in Configure
// (pkg/resource/plugin/provider_plugin.go `KeepSecrets: protocol.acceptSecrets`); the dynamic
// provider host does not, so its Check, Diff, Create, Read, Update and Delete see plain values.
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";

/** Key of the signature field of a special Pulumi value. */
export const signatureKey = "4dabf18193072939515e22adb298388d";
/** Signature of a secret: `{ [signatureKey]: secretSignature, value }`. */
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** A property bag: plain JSON, where any value may be a secret wrapper. */
export type PropertyMap = Record<string, unknown>;

/**
 * Wraps a value as a Pulumi secret on the wire.
 * @param value - the plaintext value.
 */
export function secretValue(value: unknown): Record<string, unknown> {
  return { [signatureKey]: secretSignature, value };
}

/**
 * True for a secret wrapper made by {@link secretValue} (or by the engine).
 * @param value - any property value.
 */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[signatureKey] === secretSignature
  );
}

/**
 * Replaces every secret wrapper by its value, as the engine does for a provider that does not
 * accept secrets.
 * @param value - a property value or bag.
 */
export function withoutSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return withoutSecrets(value.value);
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as PropertyMap).map(([key, child]) => [key, withoutSecrets(child)]),
  );
}

/**
 * Marshals a property bag into the Struct a provider receives.
 * @param properties - the bag, secrets as wrappers.
 * @param keepSecrets - whether the provider accepted secrets in Configure.
 */
export function marshalProperties(properties: PropertyMap, keepSecrets: boolean): Struct {
  const plain = keepSecrets ? properties : (withoutSecrets(properties) as PropertyMap);
  // `undefined` has no Struct encoding; the engine never sends absent properties either.
  return Struct.fromJavaScript(
    JSON.parse(JSON.stringify(plain)) as Record<string, JavaScriptValue>,
  );
}

/**
 * Unmarshals a Struct a provider returned.
 * @param struct - the Struct, or undefined when the field was not set.
 */
export function unmarshalProperties(struct: Struct | undefined): PropertyMap {
  return (struct?.toJavaScript() ?? {}) as PropertyMap;
}
