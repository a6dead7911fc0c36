export { default } from "../../vitest.examples.js";
