import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const names = config.requireObject<string[]>("names");

// `ErrorOptions` (the second argument) exists from the ES2022 libraries on: the project's
// tsconfig.json has them, the SDK's defaults (ES2020) do not.
const reason = new Error("unused", { cause: config.require("greeting") });

class Thing extends pulumi.CustomResource {
  constructor(name: string, reasonText: string) {
    super("fidelity:index:Thing", name, { reason: reasonText });
  }
}

for (const name of names) {
  new Thing(name, reason.message);
}

export const workingDirectory = process.cwd();
export const nodeArguments = process.execArgv;
export const greeting = config.require("greeting");
