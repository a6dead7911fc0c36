import { packageBuild } from "../../tsdown.shared.js";

export default packageBuild(["src/index.ts", "src/node.ts", "src/verify.ts"]);
