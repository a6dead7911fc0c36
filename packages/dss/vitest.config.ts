import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@trustspec/source"] },
  ssr: { resolve: { conditions: ["@trustspec/source"] } },
  test: {
    reporters: ["default", "json"],
    outputFile: { json: ".vitest-report.json" },
    include: ["test/**/*.test.ts"],
  },
});
