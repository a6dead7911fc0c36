export { generateFiles } from "./generate.js";
export { openApiToModel, readOpenApi } from "./input/openapi.js";
export type * from "./model.js";
export { syncDirectory } from "./write.js";
