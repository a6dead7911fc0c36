import { defineConfig } from "vitest/config";

/**
 * The test configuration every workspace package shares: workspace packages resolve to their
 * source (the `@trustspec/source` export condition), and each run leaves a JSON report that
 * `scripts/test-summary.mjs` sums into the suite's closing line.
 */
export default defineConfig({
  resolve: { conditions: ["@trustspec/source"] },
  ssr: { resolve: { conditions: ["@trustspec/source"] } },
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    include: ["test/**/*.test.ts"],
    // A safety net against hangs, not a speed check (speed is measured in `pnpm bench`): key
    // generation and CMS over large content take seconds on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
