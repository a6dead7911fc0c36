#!/usr/bin/env node
// @ts-check
// Serves the example web application that signs, requests and installs certificates, encrypts and
// decrypts through the CryptoPro DSS web front-end.
//
//   node src/main.mjs [--frontend-url URL] [--port 3000] [--ca-cert dss-ca.pem] [--public-url URL]
//   DSS_FRONTEND_URL, DSS_CA_CERT and APP_PORT may stand for the options; APP_SECRET (32 bytes or
//   more) keeps the backpost tokens valid across restarts (default: random at each start).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createApp } from "./app.mjs";

const { values } = parseArgs({
  options: {
    "frontend-url": {
      type: "string",
      default: process.env.DSS_FRONTEND_URL ?? "http://127.0.0.1:8080/frontend",
    },
    port: { type: "string", default: process.env.APP_PORT ?? "3000" },
    host: { type: "string", default: "127.0.0.1" },
    "public-url": { type: "string" },
    "ca-cert": { type: "string", default: process.env.DSS_CA_CERT },
    "max-post-bytes": { type: "string", default: String(1024 * 1024) },
  },
});

/** The DER certificates of a PEM file. @param {string} file */
function certificates(file) {
  const text = readFileSync(file, "utf8");
  const found = [
    ...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g),
  ];
  if (found.length === 0) throw new Error(`${file} holds no PEM certificate`);
  return found.map((m) => new Uint8Array(Buffer.from(m[1] ?? "", "base64")));
}

const secret = process.env.APP_SECRET ?? randomBytes(32).toString("base64url");
if (Buffer.byteLength(secret) < 32) {
  console.error("APP_SECRET must have at least 32 bytes");
  process.exit(2);
}
const trusted = values["ca-cert"] ? certificates(values["ca-cert"]) : [];
const server = createServer();
await new Promise((resolve) => server.listen(Number(values.port), values.host, () => resolve(0)));
const address = server.address();
const port = typeof address === "object" && address ? address.port : Number(values.port);
const publicUrl = values["public-url"] ?? `http://${values.host}:${port}`;
const app = createApp({
  frontendUrl: values["frontend-url"],
  publicUrl,
  secret,
  trusted,
  maxPostBytes: Number(values["max-post-bytes"]),
});
server.on("request", app.listener);
console.log(`listening on ${publicUrl}`);
console.log(`  DSS web front-end: ${values["frontend-url"]}`);
console.log(`  backpost:          ${new URL("/dss/back", publicUrl).href}`);
console.log(
  trusted.length > 0
    ? `  returned signatures must chain to: ${values["ca-cert"]}`
    : "  no --ca-cert: returned signatures are checked, their signer's CA is not",
);
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
