import { defineConfig, type UserConfig } from "tsdown";

/** The build every published package shares: ESM and CJS with types, for Node 20. */
export function packageBuild(entry: string[]): UserConfig {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: "node",
    target: "node20",
  });
}
