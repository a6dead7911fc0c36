import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@trustspec/source"] },
  ssr: { resolve: { conditions: ["@trustspec/source"] } },
  test: { include: ["test/**/*.test.ts"] },
});
