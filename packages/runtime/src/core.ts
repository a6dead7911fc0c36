/**
 * `@trustspec/runtime/core`: everything a generated client needs (the transport, auth hooks,
 * typed errors, compiled-validator helpers, formats, samples, tokens, the lite client), without
 * the schema compiler. Generated packages import this entry, so loading a client loads no Ajv.
 * The root entry is this one plus `createClient`, `validatorFor` and `SchemaValidator`, which
 * compile schemas at run time, and `uriFormat`, which also has an entry of its own
 * (`@trustspec/runtime/format-uri`): its check takes several milliseconds to load under Node, and
 * only the clients whose validators use it should pay for that.
 */
export * from "./auth.js";
export * from "./base64.js";
export * from "./client.js";
export * from "./compiled.js";
export * from "./errors.js";
export * from "./formats.js";
export * from "./lite.js";
export * from "./operation.js";
export * from "./operation-error.js";
export * from "./sample.js";
export * from "./token.js";
export type * from "./validation-types.js";
