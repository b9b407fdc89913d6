import { defineConfig } from "vitest/config";
import { timeouts } from "./test/support/timeouts";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    // Integration tests start real processes (Deno, redis-server, miniflare); a two-core machine
    // needs room. Every bound scales with TEST_TIME_FACTOR (test/support/timeouts.ts).
    testTimeout: timeouts.test,
    hookTimeout: timeouts.hook,
    // One folder per run where test files share plans and limit how many run at once.
    globalSetup: ["./test/support/plan-cache-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ["default", "./test/reporters/summary-reporter.ts"],
    // @actions/workflow-parser imports JSON without import attributes, which Node rejects; inlined,
    // Vite transforms it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
