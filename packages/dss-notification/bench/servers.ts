// Child process of the benchmark: a bare node:http handler that parses the envelope with the same
// bounded parser as the stub (`parseXml` of @trustspec/runtime) and answers a fixed
// NotifyResponse; a bare node:http handler that does the stub's work on the message by hand with
// the same runtime functions (envelope parsed, `Notify` decoded against the WSDL's types and
// checked with the validator compiled from its JSON Schema, `NotifyResponse` checked, encoded and put in an envelope);
// and the server stub, side by side. Asked with a message, it reports its CPU time and peak RSS,
// so the parent can measure what refusing a body costs this process.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { compiledIssues } from "@trustspec/runtime";
import { listen } from "@trustspec/runtime/server";
import { buildEnvelope, decodeRoot, parseEnvelope, parseXml, toXml } from "@trustspec/runtime/soap";
import { service } from "../src/generated/soap.gen.js";
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

const notify = service.operations.Notify!;
const worked = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const env = parseEnvelope(Buffer.concat(chunks).toString("utf8"), "1.1");
    const message = decodeRoot(service.types, notify.input, env.body);
    if (compiledIssues(notify.input.validate!, message).length) throw new Error("invalid");
    const reply = {};
    if (compiledIssues(notify.output!.validate!, reply).length) throw new Error("invalid");
    const envelope = buildEnvelope("1.1", toXml(service.types, notify.output!, reply));
    res.writeHead(200, { "content-type": "text/xml; charset=utf-8" }).end(Buffer.from(envelope));
  });
});
await new Promise<void>((r) => worked.listen(0, "127.0.0.1", r));
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
  worked: `http://127.0.0.1:${(worked.address() as AddressInfo).port}/`,
  stub: `${stub.url}/`,
});
