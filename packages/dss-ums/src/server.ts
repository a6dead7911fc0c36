/**
 * The DSS user management service's server stub (typed handlers, a router that checks the
 * contract) and its stateful emulator, alone or beside the DSS emulator.
 */
export { runDssUmsMock } from "./emulator/cli.js";
export * from "./emulator/index.js";
export * from "./generated/ums/server.gen.js";
