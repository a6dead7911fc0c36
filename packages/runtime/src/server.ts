/**
 * The server stub runtime every generated server and emulator shares: the router that checks
 * requests against the operation descriptors and dispatches them to handlers, answering errors in
 * the API's own format (`./server/router.ts`), and `listen`, which serves a router on `node:http`
 * (`./server/listen.ts`). The emulators' command-line pieces live in `@trustspec/runtime/cli`;
 * they are exported here too, as before.
 */

export {
  describeStartError,
  type MockCommand,
  type MockIo,
  parsePort,
  readOptionFile,
  readOptionFileSync,
  writeOptionFile,
} from "./cli.js";
export * from "./server/listen.js";
export * from "./server/router.js";
