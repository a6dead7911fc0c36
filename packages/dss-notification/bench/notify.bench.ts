/**
 * `pnpm bench` for @trustspec/dss-notification. Figures are ratios against a baseline measured
 * in the same run on the same machine:
 *   1. the server stub (safe parsing, envelope checks, SOAPAction routing, decoding against the
 *      WSDL's types, schema check, typed handler, encoded answer) vs a bare node:http handler
 *      that only parses the XML with the same parser, and vs a bare node:http handler that does
 *      the stub's work on the message by hand with the same runtime functions (parse, decode,
 *      schema checks of request and answer, encoded answer: like for like, so what is left is
 *      the stub's own overhead), all loaded over HTTP with the same Notify request (autocannon,
 *      16 connections, seven rounds with the order rotated, median round);
 *   2. the generated client's `notify` latency vs a raw fetch of the same envelope (interleaved
 *      calls, median latencies), against the stub;
 *   3. what refusing a hostile body costs the stub: a 1 MB SOAP 1.1 body of 260 000 empty sibling
 *      elements vs a 1 MB body that is one XML comment (both refused with a Client fault), in a
 *      fresh server process: median latency of interleaved requests and the server's CPU time per
 *      refusal; and how much a fresh server's peak RSS grows refusing one such body, and 20 in a
 *      row.
 * Server CPU per request (read from the server process around each load round) is the steadier
 * of the two throughput figures on a busy 2-core machine, where the load generator shares the
 * cores with the server.
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
  return (await loadWithCount(url)).rate;
}

async function loadWithCount(url: string): Promise<{ rate: number; count: number }> {
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
  return { rate: r.requests.average, count: r.requests.total };
}

function startServers() {
  const child = fork(join(here, "servers.ts"), [], {
    execArgv: ["--conditions=@trustspec/source", "--import", "tsx"],
  });
  const ready = new Promise<{ bare: string; stub: string; worked: string }>((resolve) =>
    child.once("message", (m) => resolve(m as never)),
  );
  const usage = () =>
    new Promise<{ cpuMicros: number; maxRssKb: number; rss: number }>((resolve) => {
      child.once("message", (m) => resolve(m as never));
      child.send("usage");
    });
  return { child, ready, usage };
}

const post = async (url: string, payload: string) => {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "text/xml; charset=utf-8", soapaction: ACTION },
    body: payload,
  });
  await r.text();
  return r.status;
};

const wrap = (b: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${b}</s:Body></s:Envelope>`;
const flat = wrap("<a/>".repeat(260_000));
const comment = wrap(`<!--${"x".repeat(flat.length - wrap("<!---->").length)}-->`);

/** Peak RSS growth of a fresh server process (warmed with valid requests) refusing one body, then 19 more. */
async function rssGrowth(payload: string): Promise<{ one: number; twenty: number }> {
  const servers = startServers();
  const { stub } = await servers.ready;
  try {
    for (let i = 0; i < 200; i++) await post(stub, body);
    const start = (await servers.usage()).maxRssKb;
    if ((await post(stub, payload)) !== 500) throw new Error("the body was not refused");
    const one = (await servers.usage()).maxRssKb;
    for (let i = 0; i < 19; i++) await post(stub, payload);
    const twenty = (await servers.usage()).maxRssKb;
    return { one: (one - start) / 1024, twenty: (twenty - start) / 1024 };
  } finally {
    servers.child.kill();
  }
}

async function refusals(): Promise<void> {
  const servers = startServers();
  const { stub } = await servers.ready;
  const sizes = `${(flat.length / 1e6).toFixed(2)} MB flat, ${(comment.length / 1e6).toFixed(2)} MB comment`;
  try {
    for (let i = 0; i < 200; i++) await post(stub, body);
    for (let i = 0; i < 10; i++) {
      if ((await post(stub, flat)) !== 500) throw new Error("the flat body was not refused");
      if ((await post(stub, comment)) !== 500) throw new Error("the comment body was not refused");
    }
    const flatTimes: number[] = [];
    const commentTimes: number[] = [];
    const cpu = { flat: 0, comment: 0 };
    for (let i = 0; i < 40; i++) {
      for (const kind of i % 2 === 0 ? ["flat", "comment"] : ["comment", "flat"]) {
        const before = await servers.usage();
        const t = performance.now();
        await post(stub, kind === "flat" ? flat : comment);
        (kind === "flat" ? flatTimes : commentTimes).push(performance.now() - t);
        cpu[kind as "flat"] += (await servers.usage()).cpuMicros - before.cpuMicros;
      }
    }
    const f = median(flatTimes);
    const c = median(commentTimes);
    console.log(
      `refusing a 1 MB body (${sizes}): flat ${f.toFixed(1)} ms vs comment ${c.toFixed(1)} ms median latency, ratio ${(f / c).toFixed(2)}x; server CPU per refusal flat ${(cpu.flat / 40 / 1000).toFixed(1)} ms vs comment ${(cpu.comment / 40 / 1000).toFixed(1)} ms, ratio ${(cpu.flat / cpu.comment).toFixed(2)}x`,
    );
  } finally {
    servers.child.kill();
  }
  const rf = await rssGrowth(flat);
  const rc = await rssGrowth(comment);
  console.log(
    `server peak RSS growth refusing the flat body: ${rf.one.toFixed(1)} MB for one, ${rf.twenty.toFixed(1)} MB for 20 in a row (comment body: ${rc.one.toFixed(1)} MB, ${rc.twenty.toFixed(1)} MB)`,
  );
}

const { child, ready, usage } = startServers();
const urls = await ready;
try {
  type Side = "stub" | "bare" | "worked";
  const sides: Side[] = ["stub", "bare", "worked"];
  const rates: Record<Side, number[]> = { stub: [], bare: [], worked: [] };
  const cpu: Record<Side, number[]> = { stub: [], bare: [], worked: [] };
  /** One load round, with the server process's CPU time per request in it. */
  const round = async (side: Side) => {
    const before = (await usage()).cpuMicros;
    const r = await loadWithCount(urls[side]);
    cpu[side].push(((await usage()).cpuMicros - before) / r.count);
    rates[side].push(r.rate);
  };
  for (const side of sides) await load(urls[side]);
  // Seven rounds, the order of the three servers rotated each round.
  for (let i = 0; i < 7; i++) {
    for (let k = 0; k < sides.length; k++) await round(sides[(i + k) % sides.length]!);
  }
  const o = median(rates.stub);
  const b = median(rates.bare);
  const w = median(rates.worked);
  const co = median(cpu.stub);
  const cb = median(cpu.bare);
  const cw = median(cpu.worked);
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
  console.log(
    `server CPU per notification, stub vs bare node:http + the same parse: ${co.toFixed(0)} vs ${cb.toFixed(0)} µs, throughput-equivalent ratio ${(cb / co).toFixed(2)}x`,
  );
  console.log(
    `server stub notifications/s vs bare node:http + the same XML parse: ${o.toFixed(0)} vs ${b.toFixed(0)} req/s, ratio ${(o / b).toFixed(2)}x (rounds: ours ${list(rates.stub)}; bare ${list(rates.bare)})`,
  );
  console.log(
    `server CPU per notification, stub vs bare node:http doing the same work by hand (parse, decode, schema checks, encoded answer): ${co.toFixed(0)} vs ${cw.toFixed(0)} µs, throughput-equivalent ratio ${(cw / co).toFixed(2)}x; req/s ${o.toFixed(0)} vs ${w.toFixed(0)}, ratio ${(o / w).toFixed(2)}x (rounds: ${list(rates.worked)})`,
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
await refusals();
