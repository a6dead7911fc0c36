import { defineConfig } from "vitest/config";

// The example runs against the built packages, exactly as a user's program would.
export default defineConfig({
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
