/**
 * `pnpm bench` for @trustspec/dss-notification. Figures are ratios against a baseline measured
 * in the same run on the same machine:
 *   1. the server stub (safe parsing, envelope checks, SOAPAction routing, decoding against the
 *      WSDL's types, schema check, typed handler, encoded answer) vs a bare node:http handler
 *      that only parses the XML with the same parser, both loaded over HTTP with the same
 *      Notify request (autocannon, 16 connections, alternating rounds, median round);
 *   2. the generated client's `notify` latency vs a raw fetch of the same envelope (interleaved
 *      calls, median latencies), against the stub.
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/dss-notification bench`).
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import autocannon from "autocannon";
import { createDssNotificationClient, notify } from "../src/index.js";

const here = import.meta.dirname;
const ACTION = '"http://dss.cryptopro.ru/sim/services/2015/11/INotificationService/Notify"';
const body =
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Notify xmlns="http://dss.cryptopro.ru/sim/services/2015/11/"><opResult xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><OperationCode>102</OperationCode><ResultCode>0</ResultCode><UserIdentifier>+79161234567</UserIdentifier><ServiceIdentifier i:nil="true"/><AdditionalData xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><a:KeyValueOfintstring><a:Key>1</a:Key><a:Value>5904ce31-b789-45ba-89cb-750f194cfe54</a:Value></a:KeyValueOfintstring></AdditionalData></opResult></Notify></s:Body></s:Envelope>';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function load(url: string): Promise<number> {
  const r = await autocannon({
    url,
    method: "POST",
    connections: 16,
    duration: 3,
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: ACTION },
    body,
  });
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

const child = fork(join(here, "servers.ts"), [], {
  execArgv: ["--conditions=@trustspec/source", "--import", "tsx"],
});
const urls = await new Promise<{ bare: string; stub: string }>((resolve) =>
  child.once("message", (m) => resolve(m as never)),
);
try {
  const ours: number[] = [];
  const bare: number[] = [];
  await load(urls.stub);
  await load(urls.bare);
  for (let round = 0; round < 3; round++) {
    ours.push(await load(urls.stub));
    bare.push(await load(urls.bare));
  }
  const o = median(ours);
  const b = median(bare);
  console.log(
    `server stub notifications/s vs bare node:http + XML parse: ${o.toFixed(0)} vs ${b.toFixed(0)} req/s, ratio ${(o / b).toFixed(2)}x (rounds: ours ${ours.map((x) => x.toFixed(0)).join(", ")}; bare ${bare.map((x) => x.toFixed(0)).join(", ")})`,
  );

  const client = createDssNotificationClient({ url: urls.stub });
  const message = {
    opResult: {
      OperationCode: 102,
      ResultCode: 0,
      UserIdentifier: "+79161234567",
      AdditionalData: { 1: "x" },
    },
  };
  const ourTimes: number[] = [];
  const rawTimes: number[] = [];
  const raw = async () => {
    const r = await fetch(urls.stub, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: ACTION },
      body,
    });
    await r.text();
  };
  for (let i = 0; i < 200; i++) {
    await notify(client, message);
    await raw();
  }
  for (let i = 0; i < 1000; i++) {
    const first = i % 2 === 0;
    for (const side of first ? ["ours", "raw"] : ["raw", "ours"]) {
      const t = performance.now();
      if (side === "ours") await notify(client, message);
      else await raw();
      (side === "ours" ? ourTimes : rawTimes).push(performance.now() - t);
    }
  }
  const oc = median(ourTimes);
  const rc = median(rawTimes);
  console.log(
    `client notify latency vs raw fetch of the same envelope: ${oc.toFixed(3)} ms vs ${rc.toFixed(3)} ms, ratio ${(oc / rc).toFixed(2)}x`,
  );
} finally {
  child.kill();
}
