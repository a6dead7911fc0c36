import { packageBuild } from "../../tsdown.shared.js";

export default packageBuild([
  "src/index.ts",
  "src/core.ts",
  "src/format-uri.ts",
  "src/cli.ts",
  "src/msw.ts",
  "src/server.ts",
  "src/soap.ts",
  "src/xml-descriptors.ts",
]);
