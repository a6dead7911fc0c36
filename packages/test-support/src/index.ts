/**
 * Test helpers the packages share (not published): contract-test targets and calls, and the
 * packed-tarball install check.
 */
export * from "./contract.js";
export * from "./tarball.js";
