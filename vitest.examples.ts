import { defineConfig } from "vitest/config";

/**
 * The test configuration the examples share. Unlike the packages' (`vitest.shared.ts`), it has no
 * source condition: an example runs against the built packages, exactly as a user's program
 * would. The timeouts are a safety net for emulators that make their keys at start on a busy
 * machine, not a speed check.
 */
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
