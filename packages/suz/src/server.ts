/** The server stub of the СУЗ registration and client-token API: typed handlers and a router that checks requests. */
export * from "./generated/server.gen.js";
