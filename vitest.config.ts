import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
    // Integration tests start real processes (Deno, redis-server, miniflare); a two-core machine needs room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ["default", "./test/reporters/summary-reporter.ts"],
    // @actions/workflow-parser imports JSON without import attributes, which Node rejects; inlined,
    // Vite transforms it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
