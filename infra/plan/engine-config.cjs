// Converts a Pulumi.<stack>.yaml into what the Pulumi engine hands a Node.js program:
// PULUMI_CONFIG (every key as `namespace:key`, structured values as JSON text) and
// PULUMI_CONFIG_SECRET_KEYS. Plain CommonJS: the offline plan must set these variables before
// the SDK is first touched, and registering ts-node already touches it.
"use strict";

const { parse } = require("yaml");

/**
 * Stands in for a `secure:` value: the offline plan has no key to decrypt it with, and the
 * value is a secret, so it is never shown anyway.
 */
const encryptedValuePlaceholder = "encrypted-value-not-decrypted";

function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function engineConfigFromStackFile(text, options) {
  let document;
  try {
    document = parse(text);
  } catch (error) {
    throw new Error(`${options.stackFile}: not valid YAML (${error.message})`, { cause: error });
  }
  const config = isRecord(document) ? document["config"] : undefined;
  if (config !== undefined && config !== null && !isRecord(config)) {
    throw new Error(`${options.stackFile}: config must be a map of keys to values`);
  }
  const values = {};
  const secretKeys = [];
  for (const [rawKey, value] of Object.entries(config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${options.projectName}:${rawKey}`;
    if (isRecord(value) && Object.keys(value).length === 1 && "secure" in value) {
      values[key] = encryptedValuePlaceholder;
      secretKeys.push(key);
    } else if (typeof value === "string") {
      values[key] = value;
    } else {
      values[key] = JSON.stringify(value);
    }
  }
  for (const [key, value] of Object.entries(options.secretOverrides ?? {})) {
    values[key] = value;
    if (!secretKeys.includes(key)) {
      secretKeys.push(key);
    }
  }
  return { values, secretKeys };
}

module.exports = { encryptedValuePlaceholder, engineConfigFromStackFile };
