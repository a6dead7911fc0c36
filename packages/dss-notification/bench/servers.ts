// Child process of the benchmark: a bare node:http handler that parses the envelope with the same
// bounded parser as the stub (`parseXml` of @trustspec/runtime) and answers a fixed
// NotifyResponse, and the server stub, side by side. Asked with a message, it reports its CPU
// time and peak RSS, so the parent can measure what refusing a body costs this process.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { listen } from "@trustspec/runtime/server";
import { parseXml } from "@trustspec/runtime/soap";
import { createDssNotificationServer } from "../src/server.js";

const answer = Buffer.from(
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><NotifyResponse xmlns="http://dss.cryptopro.ru/sim/services/2015/11/"/></s:Body></s:Envelope>',
);

const bare = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const root = parseXml(Buffer.concat(chunks).toString("utf8"));
    if (!root) throw new Error("no document");
    res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(answer);
  });
});
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
const stub = await listen(createDssNotificationServer({ Notify: () => {} }));
process.on("message", () => {
  const cpu = process.cpuUsage();
  process.send?.({
    cpuMicros: cpu.user + cpu.system,
    maxRssKb: process.resourceUsage().maxRSS,
    rss: process.memoryUsage().rss,
  });
});
process.send?.({
  bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`,
  stub: `${stub.url}/`,
});
