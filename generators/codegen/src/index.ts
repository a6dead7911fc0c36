export { generateFiles } from "./generate.js";
export { openApiToModel, readOpenApi } from "./input/openapi.js";
export { readWsdl, readXsd, wsdlSchemaDocuments, wsdlToModel, xsdToModel } from "./input/wsdl.js";
export type * from "./model.js";
export { syncDirectory } from "./write.js";
