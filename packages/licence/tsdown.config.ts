import type { UserConfig } from "tsdown";
import { packageBuild } from "../../tsdown.shared.js";

// The signature verifier is chosen when the package loads, not when it is built: `#licence-verify`
// (package.json "imports") stays an import, and both verifiers are built beside the entries, so
// Node takes dist/verify-node.* (node:crypto) and browsers and other runtimes dist/verify-web.*.
const build = packageBuild([
  "src/index.ts",
  "src/lite.ts",
  "src/mocks.ts",
  "src/server.ts",
  "src/verify-node.ts",
  "src/verify-web.ts",
]);

const config: UserConfig = { ...build, deps: { ...build.deps, neverBundle: ["#licence-verify"] } };
export default config;
