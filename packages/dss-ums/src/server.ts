/** The DSS user management service's server stub: typed handlers and a router that checks the contract. */
export * from "./generated/ums/server.gen.js";
