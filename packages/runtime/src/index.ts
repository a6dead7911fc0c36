// Everything of `@trustspec/runtime/core`, `uriFormat`, and the parts that compile schemas at run
// time (Ajv).
export * from "./core.js";
export * from "./format-uri.js";
export * from "./schema-client.js";
export { SchemaValidator, validatorFor } from "./validation.js";
