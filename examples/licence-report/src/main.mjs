#!/usr/bin/env node
// @ts-check
// Lists a licensing server's licences (with days left), connections and sessions,
// verifying the signature of every answer.
//
//   node src/main.mjs --url http://127.0.0.1:9099 [--public-key emulator.pem]
//   credentials from LICENCE_USER / LICENCE_PASSWORD (default admin/admin)
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLicenceClient } from "@trustspec/licence";
import { collect, format } from "./report.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:9099" },
    "public-key": { type: "string" },
  },
});

const publicKey = values["public-key"] ? readFileSync(values["public-key"], "utf8") : undefined;
const client = createLicenceClient({
  baseUrl: values.url,
  credentials: {
    username: process.env.LICENCE_USER ?? "admin",
    password: process.env.LICENCE_PASSWORD ?? "admin",
  },
  // Without --public-key the vendor's key printed in the API document is used.
  signature: publicKey ? { policy: "require", publicKey } : { policy: "require" },
});

try {
  console.log(format(await collect(client)));
  console.log("\nEvery answer's Licence-Signature was verified.");
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
