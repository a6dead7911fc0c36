/**
 * Test helpers the packages share (not published): emulator command lines, contract-test targets
 * and calls, and the packed-tarball install check.
 */

export * from "./browser-entry.js";
export * from "./browser-page.js";
export * from "./cli.js";
export * from "./contract.js";
export * from "./mock-server.js";
export * from "./tarball.js";
