/**
 * `pnpm bench` for @trustspec/licence. Every figure is a ratio against a baseline measured in the
 * same run on the same machine:
 *   1. client call vs raw fetch + JSON.parse against the same local node:http server (calls
 *      interleaved one by one, median latencies), and vs raw fetch + the same signature check
 *      with node:crypto (which the client uses under Node) and with Web Crypto (which it uses in
 *      browsers); in the same loop the client with one feature off at a time (signature
 *      check, timeout, contract check), which shows what each feature costs per call;
 *   2. signature verification vs bare node:crypto verify of the same bytes;
 *   3. emulator (router + signing) vs a bare node:http handler, both over HTTP under the same load;
 *   4. the generated server stub vs a bare node:http server doing the same serialisation, with
 *      the answer check off and on (the bare side then runs the same compiled validators):
 *      requests/s and the server's CPU time per request, rounds interleaved (`stub-servers.ts`).
 *   (Generation time against the generator's peers: `benchmarks/codegen`.)
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/licence bench`; `bench -- stub` runs the
 * fourth section only).
 */
import { fork } from "node:child_process";
import { generateKeyPairSync, verify } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import autocannon from "autocannon";
import { Bench } from "tinybench";
import { createLicenceClient, getLicence, type LicenceClientOptions } from "../src/index.js";
import { verifyLicenceSignature } from "../src/signature.js";
import { signLicenceResponse } from "../src/signing.js";
import { sampleLicence } from "./sample.js";

const here = import.meta.dirname;
const results: {
  name: string;
  ours: number;
  baseline: number;
  unit: string;
  better: "higher" | "lower";
  /** The ratio shown, when it is not ours ÷ baseline (e.g. the median of per-round ratios). */
  ratio?: number;
  target: string;
}[] = [];

async function clientVsFetch() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const body = Buffer.from(JSON.stringify(sampleLicence()));
  const server = createServer((req, res) => {
    const queryId = String(req.headers["licence-queryid"] ?? "");
    res.writeHead(200, {
      "content-type": "application/json;charset=utf-8",
      "licence-queryid": queryId,
      "licence-signature": signLicenceResponse({ queryId, body, privateKey }),
    });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createLicenceClient({
    baseUrl: url,
    signature: { publicKey },
    credentials: { username: "admin", password: "admin" },
  });
  // Calls are interleaved one by one (in rotating order), so any slow spell of the machine hits
  // every side alike; the medians of the per-call latencies are compared.
  const rawCall = async () => {
    const r = await fetch(`${url}/api/licences/7131766`, {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=", "licence-queryid": "q" },
    });
    JSON.parse(await r.text());
  };
  // The same raw call that also does what the client must: check the answer's signature.
  const rawVerifiedCall = async () => {
    const r = await fetch(`${url}/api/licences/7131766`, {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=", "licence-queryid": "q" },
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    const signature = Buffer.from(r.headers.get("licence-signature") ?? "", "base64");
    if (!verify("sha256", Buffer.concat([Buffer.from("q"), bytes]), publicKey, signature)) {
      throw new Error("bad signature");
    }
    JSON.parse(bytes.toString("utf8"));
  };
  // The same with Web Crypto, as the client checks since it runs in browsers too: the key imported
  // once, the QueryID and the body verified in one call.
  const webKey = await crypto.subtle.importKey(
    "spki",
    publicKey.export({ type: "spki", format: "der" }),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const rawWebVerifiedCall = async () => {
    const r = await fetch(`${url}/api/licences/7131766`, {
      headers: { authorization: "Basic YWRtaW46YWRtaW4=", "licence-queryid": "q" },
    });
    const bytes = new Uint8Array(await r.arrayBuffer());
    const signature = Buffer.from(r.headers.get("licence-signature") ?? "", "base64");
    const signed = Buffer.concat([Buffer.from("q"), bytes]);
    if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", webKey, signature, signed))) {
      throw new Error("bad signature");
    }
    JSON.parse(new TextDecoder().decode(bytes));
  };
  const clientCall = () => getLicence(client, { path: { KeyNo: 7131766 } });
  // The same client with one feature off at a time, to show what each costs (information only).
  const without = (extra: LicenceClientOptions) => {
    const c = createLicenceClient({
      baseUrl: url,
      signature: { publicKey },
      credentials: { username: "admin", password: "admin" },
      ...extra,
    });
    return () => getLicence(c, { path: { KeyNo: 7131766 } });
  };
  const calls = {
    raw: rawCall,
    ours: clientCall,
    verified: rawVerifiedCall,
    verifiedWeb: rawWebVerifiedCall,
    noSignature: without({ signature: { policy: "off" } }),
    noTimeout: without({ timeoutMs: 0 }),
    noValidation: without({ validation: "off" }),
  };
  type Name = keyof typeof calls;
  const names = Object.keys(calls) as Name[];
  const rounds: Record<Name, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const latencies = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<
      Name,
      number[]
    >;
    for (let i = 0; i < 300 + 1200; i++) {
      // Each variant in turn, the order rotated and reversed from one iteration to the next.
      const order = names.map((_, j) => names[(i + j) % names.length]!);
      if (i % 2 === 1) order.reverse();
      for (const name of order) {
        const t = performance.now();
        await calls[name]();
        if (i >= 300) latencies[name].push(performance.now() - t); // the first 300 warm up
      }
    }
    rounds.push(
      Object.fromEntries(names.map((n) => [n, median(latencies[n])])) as Record<Name, number>,
    );
  }
  server.close();
  const mid = medianRound(rounds, (r) => r.ours / r.raw);
  results.push({
    name: "client call latency vs raw fetch",
    ours: mid.ours,
    baseline: mid.raw,
    unit: "ms",
    better: "lower",
    target: "≤ 1.10×",
  });
  const like = medianRound(rounds, (r) => r.ours / r.verified);
  results.push({
    name: "client call latency vs raw fetch + node:crypto signature check (like for like)",
    ours: like.ours,
    baseline: like.verified,
    unit: "ms",
    better: "lower",
    target: "(information)",
  });
  const likeWeb = medianRound(rounds, (r) => r.ours / r.verifiedWeb);
  results.push({
    name: "client call latency vs raw fetch + Web Crypto signature check (like for like)",
    ours: likeWeb.ours,
    baseline: likeWeb.verifiedWeb,
    unit: "ms",
    better: "lower",
    target: "(information)",
  });
  // What each feature costs: the full call minus the call without it, in the same round.
  const cost = (name: Name) => {
    const deltas = rounds.map((r) => (r.ours - r[name]) * 1000);
    return median(deltas);
  };
  breakdown.push(
    `signature check (QueryID, RSA verification) ${cost("noSignature").toFixed(0)} µs`,
    `abortable timeout ${cost("noTimeout").toFixed(0)} µs`,
    `contract check of request and answer ${cost("noValidation").toFixed(0)} µs`,
    `raw fetch + node:crypto check alone ${median(rounds.map((r) => (r.verified - r.raw) * 1000)).toFixed(0)} µs over raw fetch`,
    `raw fetch + Web Crypto check alone ${median(rounds.map((r) => (r.verifiedWeb - r.raw) * 1000)).toFixed(0)} µs over raw fetch`,
    `client total ${median(rounds.map((r) => (r.ours - r.raw) * 1000)).toFixed(0)} µs over raw fetch (raw fetch ${(mid.raw * 1000).toFixed(0)} µs)`,
  );
}

async function verifyVsCrypto() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const body = Buffer.from(JSON.stringify(sampleLicence()));
  const queryId = "20200127230600";
  const signature = signLicenceResponse({ queryId, body, privateKey });
  const signatureBytes = Buffer.from(signature, "base64");
  const signed = Buffer.concat([Buffer.from(queryId), body]);
  const headers = new Headers({ "licence-queryid": queryId, "licence-signature": signature });
  const bench = new Bench({ time: 2000, warmupTime: 300 });
  bench
    .add("node:crypto verify", () => {
      if (!verify("sha256", signed, publicKey, signatureBytes)) throw new Error("bad");
    })
    .add("verifyLicenceSignature", async () => {
      await verifyLicenceSignature({ sentQueryId: queryId, headers, body, publicKey });
    });
  await bench.run();
  const [raw, ours] = bench.tasks.map((t) => t.result!.throughput.mean);
  results.push({
    name: "signature verification throughput vs node:crypto",
    ours: ours!,
    baseline: raw!,
    unit: "ops/s",
    better: "higher",
    target: "≥ 0.90×",
  });
}

async function load(url: string): Promise<number> {
  const result = await autocannon({
    url,
    connections: 16,
    duration: 3,
    headers: { authorization: "Basic YWRtaW46YWRtaW4=", "licence-queryid": "bench" },
  });
  return result.requests.average;
}

async function emulatorVsNodeHttp() {
  const child = fork(join(here, "servers.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions=@trustspec/source"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const urls = await new Promise<{ bare: string; emulator: string }>((resolve) =>
    child.once("message", (m) => resolve(m as { bare: string; emulator: string })),
  );
  await load(`${urls.bare}/api`); // warm both up
  await load(`${urls.emulator}/api`);
  const bare = await load(`${urls.bare}/api`);
  const emulator = await load(`${urls.emulator}/api`);
  child.kill();
  results.push({
    name: "emulator requests/s vs bare node:http (GET /api, signed)",
    ours: emulator,
    baseline: bare,
    unit: "req/s",
    better: "higher",
    target: "≥ 0.85×",
  });
}

/**
 * The generated server stub vs bare node:http servers doing the same serialisation, each in a
 * child process, under the same autocannon load (16 connections), the four servers loaded one at
 * a time in rounds whose order rotates; the server process's CPU time per request is read around
 * every load. Medians of the rounds with their ranges; the ratio is the median of the ratios
 * taken within each round.
 */
async function stubVsNodeHttp() {
  const child = fork(join(here, "stub-servers.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions=@trustspec/source"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  type Side = "stub" | "bare" | "stubChecked" | "bareChecked";
  const urls = await new Promise<Record<Side, string>>((resolve) =>
    child.once("message", (m) => resolve(m as Record<Side, string>)),
  );
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once("message", (m) => resolve((m as { cpuMicros: number }).cpuMicros));
      child.send("usage");
    });
  const sides = Object.keys(urls) as Side[];
  const rates = Object.fromEntries(sides.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  const cpu = Object.fromEntries(sides.map((s) => [s, [] as number[]])) as Record<Side, number[]>;
  const run = async (url: string) => {
    const r = await autocannon({
      url,
      connections: 16,
      duration: STUB_SECONDS,
      headers: { authorization: "Basic YWRtaW46YWRtaW4=", "licence-queryid": "bench" },
    });
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r;
  };
  for (const side of sides) await run(urls[side]); // warm every side up
  for (let i = 0; i < STUB_ROUNDS; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      const before = await cpuMicros();
      const r = await run(urls[side]);
      cpu[side].push(((await cpuMicros()) - before) / r.requests.total);
      rates[side].push(r.requests.average);
    }
  }
  child.kill();
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  // Each round loads the four sides one after another, so a round's two sides met about the
  // same machine: the ratio is taken within each round, and its median over the rounds is shown.
  const ratios = (xs: number[], ys: number[]) => xs.map((x, i) => x / ys[i]!);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`;
  for (const [ours, base, what] of [
    ["stub", "bare", "request check on, answer check off (the stub's default)"],
    ["stubChecked", "bareChecked", "answer checked too; bare + the same compiled validators"],
  ] as const) {
    const rate = ratios(rates[ours], rates[base]);
    results.push({
      name: `server stub requests/s vs bare node:http, same serialisation (GET /api/licences, ${what}; medians of ${STUB_ROUNDS} rounds, ours ${range(rates[ours])}, bare ${range(rates[base])}; ratio per round ${spread(rate)})`,
      ours: median(rates[ours]),
      baseline: median(rates[base]),
      ratio: median(rate),
      unit: "req/s",
      better: "higher",
      target: "≥ 0.95×",
    });
    const time = ratios(cpu[ours], cpu[base]);
    results.push({
      name: `server CPU per request, stub vs bare node:http (${what}; ours ${range(cpu[ours])} µs, bare ${range(cpu[base])} µs; ratio per round ${spread(time)})`,
      ours: median(cpu[ours]),
      baseline: median(cpu[base]),
      ratio: median(time),
      unit: "µs",
      better: "lower",
      target: "≤ 1.05× (= 1 ÷ 0.95)",
    });
  }
}

const STUB_ROUNDS = 7;
const STUB_SECONDS = 2;
const ROUNDS = 3;
/** Where the client's time goes, per call (medians of the rounds). */
const breakdown: string[] = [];

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** The round whose ratio is the median of all rounds. */
function medianRound<T>(rounds: T[], ratio: (r: T) => number): T {
  return [...rounds].sort((a, b) => ratio(a) - ratio(b))[Math.floor(rounds.length / 2)]!;
}

// `pnpm bench -- stub` (or `client`, `verify`, `emulator`) runs only the sections named.
const sections = {
  client: clientVsFetch,
  verify: verifyVsCrypto,
  emulator: emulatorVsNodeHttp,
  stub: stubVsNodeHttp,
};
const only = process.argv.slice(2).filter((a) => a !== "--");
for (const [name, section] of Object.entries(sections)) {
  if (only.length === 0 || only.includes(name)) await section();
}

console.log(
  `\n@trustspec/licence benchmarks (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log("| measure | ours | baseline | ratio | target |");
console.log("|---|---|---|---|---|");
for (const r of results) {
  const ratio = r.ratio ?? r.ours / r.baseline;
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(3));
  console.log(
    `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${ratio.toFixed(2)}× | ${r.target} |`,
  );
}
console.log(
  `\nWhere the client call's time goes (full call minus the call without the feature, same rounds):`,
);
for (const line of breakdown) console.log(`- ${line}`);
