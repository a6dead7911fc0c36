import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.js";

// Pure-JS GOST signatures (tens of milliseconds each, more on a busy machine) and RSA key
// generation make some tests slower than vitest's 5 s default allows under load.
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } }),
);
