export * from "./auth.js";
export * from "./client.js";
export * from "./errors.js";
export * from "./operation.js";
export * from "./operation-error.js";
export * from "./sample.js";
export * from "./token.js";
export * from "./validation.js";
