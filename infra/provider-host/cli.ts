// `tsx infra/provider-host/cli.ts [--stack NAME]`: runs every provider-host check against the
// loopback Management API and prints one line per check. Exits 1 when a check fails.
import { runProviderHostChecks } from "./run-checks";

interface CliOptions {
  stack: string;
}

function parseArguments(argv: readonly string[]): CliOptions {
  const options: CliOptions = { stack: "staging" };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === "--stack") {
      const value = argv[index + 1];
      if (!value) throw new Error("`--stack` needs a stack name, e.g. `--stack staging`");
      options.stack = value;
      index += 1;
    } else if (argument.startsWith("--stack=")) {
      options.stack = argument.slice("--stack=".length);
    } else if (argument !== "--providers") {
      throw new Error(`unknown argument \`${argument}\` (expected \`--stack NAME\`)`);
    }
  }
  return options;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  return runProviderHostChecks(options.stack);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
