/**
 * The one local server every client of the call benchmark calls, in a process of its own so its
 * work does not share the clients' thread: `GET /api/licences` answers the emulator's demo
 * licences, signed as the licensing server signs them (RSA-2048, SHA-256 over the
 * `Licence-QueryID` followed by the body). Each distinct QueryID is signed once and its signature
 * kept, so every client, whatever ids it sends, costs the server the same. Sends its URL and the
 * public key (PEM) to the parent process once it listens.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LicenceEmulator, signLicenceResponse } from "@trustspec/licence/server";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const body = Buffer.from(
  JSON.stringify({ Licences: new LicenceEmulator({ demo: true }).state.list() }),
);
const signatures = new Map<string, string>();

const server = createServer((req, res) => {
  if (req.url !== "/api/licences") {
    res.writeHead(404).end();
    return;
  }
  const queryId = String(req.headers["licence-queryid"] ?? "");
  let signature = signatures.get(queryId);
  if (signature === undefined) {
    signature = signLicenceResponse({ queryId, body, privateKey });
    signatures.set(queryId, signature);
  }
  const headers: Record<string, string | number> = {
    "content-type": "application/json;charset=utf-8",
    "content-length": body.length,
    "licence-signature": signature,
  };
  if (queryId !== "") headers["licence-queryid"] = queryId;
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publicKey: publicKey.export({ type: "spki", format: "pem" }),
    bodyBytes: body.length,
  });
});
process.on("disconnect", () => server.close(() => process.exit(0)));
