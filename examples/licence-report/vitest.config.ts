import { defineConfig } from "vitest/config";

// The example runs against the built packages, exactly as a user's program would.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 },
});
