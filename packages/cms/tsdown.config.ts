import { packageBuild } from "../../tsdown.shared.js";

export default packageBuild(["src/index.ts", "src/gost.ts"]);
