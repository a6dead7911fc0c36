/**
 * Test helpers the packages share (not published): emulator command lines, contract-test targets
 * and calls, the packed-tarball install check, and the conformance suite of generated validators.
 */

export * from "./browser-entry.js";
export * from "./browser-page.js";
export * from "./cli.js";
export * from "./compiled-validators.js";
export * from "./contract.js";
export * from "./lite-descriptors.js";
export * from "./mock-server.js";
export * from "./tarball.js";
