export * from "./generated/signserver/server.gen.js";
