export * from "./codec.js";
export * from "./parse.js";
