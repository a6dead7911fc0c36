// Child process of the benchmark: a bare node:http server and the emulator, side by side.
// The real server signs every answer, so the bare baseline signs too (plain node:crypto), and the
// ratio shows what the router, validation and emulator state cost on top.
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LicenceEmulator } from "../src/server.js";

const body = JSON.stringify({
  Version: "3.0.34.11319",
  Urns: ["/api/serverinfo", "/api/licences", "/api/connections", "/api/sessions"],
});
const bytes = Buffer.from(body);
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const bare = createServer((req, res) => {
  if (req.headers.authorization !== "Basic YWRtaW46YWRtaW4=") {
    res.writeHead(401).end();
    return;
  }
  const queryId = String(req.headers["licence-queryid"] ?? "");
  const signature = sign(
    "sha256",
    Buffer.concat([Buffer.from(queryId), bytes]),
    privateKey,
  ).toString("base64");
  res.writeHead(200, {
    "content-type": "application/json;charset=utf-8",
    "licence-queryid": queryId,
    "licence-signature": signature,
  });
  res.end(bytes);
});
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
const emulator = await new LicenceEmulator({ signingKey: privateKey }).listen();
process.send?.({
  bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
  emulator: emulator.url,
});
