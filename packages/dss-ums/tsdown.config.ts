import { packageBuild } from "../../tsdown.shared.js";

export default packageBuild([
  "src/index.ts",
  "src/lite.ts",
  "src/mocks.ts",
  "src/server.ts",
  "src/soap.ts",
]);
