// Every provider-host check for one stack, printed one line each; shared by this command and
// `npm run plan -- --providers`.
import { startProviderHostFixture } from "./fixture";
import { resourceKinds } from "./resource-kinds";
import { scenarios } from "./scenarios";

/**
 * Starts the dynamic provider host as the engine would, configured with the stack's config, runs
 * every scenario for every dynamic resource type against the loopback Management API, and
 * resolves with the exit code (1 when a check failed).
 * @param stack The stack whose config the host is configured with. @example "staging"
 * @param print Where each line goes. @default console.log
 */
export async function runProviderHostChecks(
  stack: string,
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const options = { stack };
  const fixture = await startProviderHostFixture({ stack: options.stack });
  let failed = 0;
  try {
    const host = fixture.host;
    print(
      `dynamic provider host: ${host.process.script}\n` +
        `  started in ${host.process.workingDirectory} (Pulumi.yaml main), @pulumi/pulumi ${host.pluginVersion}, ` +
        `configured with the ${options.stack} stack config (acceptSecrets: ${host.acceptSecrets})`,
    );
    for (const kind of resourceKinds) {
      print(`\n${kind.label} (${kind.type})`);
      for (const scenario of scenarios) {
        try {
          await scenario.run(fixture, kind);
          print(`  ok    ${scenario.title}`);
        } catch (error) {
          failed += 1;
          const message = error instanceof Error ? error.message : String(error);
          print(`  FAIL  ${scenario.title}\n        ${message.split("\n")[0]}`);
        }
      }
    }
  } finally {
    await fixture.stop();
  }
  const total = resourceKinds.length * scenarios.length;
  print(`\n${total - failed} of ${total} provider-host checks passed`);
  return failed === 0 ? 0 : 1;
}
