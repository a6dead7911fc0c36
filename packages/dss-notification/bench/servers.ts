// Child process of the benchmark: a bare node:http handler that only parses the XML (with the
// same parser, @xmldom/xmldom) and answers a fixed NotifyResponse, and the server stub, side by side.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listen } from "@trustspec/runtime/server";
import { DOMParser } from "@xmldom/xmldom";
import { createDssNotificationServer } from "../src/server.js";

const answer = Buffer.from(
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><NotifyResponse xmlns="http://dss.cryptopro.ru/sim/services/2015/11/"/></s:Body></s:Envelope>',
);

const bare = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const doc = new DOMParser().parseFromString(Buffer.concat(chunks).toString("utf8"), "text/xml");
    if (!doc.documentElement) throw new Error("no document");
    res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(answer);
  });
});
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
const stub = await listen(createDssNotificationServer({ Notify: () => {} }));
process.send?.({
  bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`,
  stub: `${stub.url}/`,
});
