import { packageBuild } from "../../tsdown.shared.js";

export default packageBuild([
  "src/index.ts",
  "src/lite.ts",
  "src/mocks.ts",
  "src/server.ts",
  "src/cms.ts",
  "src/dtbs.ts",
  "src/soap.ts",
  "src/node.ts",
]);
