export { breakingChanges, type CompatChange, compareApis } from "./compat.js";
export { emitValidators } from "./emit/validators.js";
export { emitAjvValidators } from "./emit/validators-ajv.js";
export { formatTypeScript } from "./format.js";
export { generateFiles } from "./generate.js";
export { openApiToModel, readOpenApi } from "./input/openapi.js";
export { readWsdl, wsdlToModel } from "./input/wsdl.js";
export { readXsd, xsdToModel } from "./input/xsd.js";
export {
  type CodegenEntry,
  entriesOf,
  MANIFEST_PATH,
  ManifestError,
  parseManifest,
  readManifest,
  type SpecKind,
} from "./manifest.js";
export type * from "./model.js";
export {
  type BaselineWrite,
  checkReleases,
  formatBaselineWrites,
  formatReleaseCheck,
  type PackageCompat,
  writeReleaseBaselines,
} from "./release-check.js";
export { syncDirectory } from "./write.js";
