import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/mocks.ts", "src/server.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: "node",
  target: "node20",
});
