export * from "./document.js";
export * from "./transaction.js";
