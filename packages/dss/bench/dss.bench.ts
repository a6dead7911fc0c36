/**
 * `pnpm bench` for @trustspec/dss. Every figure is a ratio against a baseline measured in the
 * same run on the same machine:
 *   1. a Signature Service call through the generated client with a cached OAuth token
 *      (password grant provider + bearerAuth, contract checks on) vs raw fetch + JSON.parse with
 *      a fixed bearer token, against the same local node:http server (calls interleaved one by
 *      one, median latencies; the token endpoint must be asked once in all);
 *   2. the emulator's signing throughput (POST /documents, a real CMS over 1 KiB) vs a bare
 *      node:http handler making the same CMS, both over HTTP under the same load.
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/dss bench`).
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { bearerAuth } from "@trustspec/runtime";
import autocannon from "autocannon";
import { createDssSignClient, listCertificates } from "../src/generated/signserver/client.gen.js";
import { createDssStsClient } from "../src/generated/sts/client.gen.js";
import { passwordTokenProvider } from "../src/oauth/index.js";

const here = import.meta.dirname;
const ROUNDS = 3;
const results: { name: string; ours: number; baseline: number; unit: string; target: string }[] =
  [];

const certificates = JSON.stringify([
  {
    ID: 6464,
    DName: "CN=bench",
    CertificateBase64: "MIIB".padEnd(1600, "A"),
    Status: { Value: 1, RevocationInfo: null },
    IsDefault: true,
    CertificateAuthorityID: 1,
    FriendlyName: "",
  },
]);

async function cachedTokenCallVsFetch() {
  let tokenRequests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/STS/oauth/token") {
        tokenRequests++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: "bench", token_type: "Bearer", expires_in: 3600 }));
        return;
      }
      if (req.headers.authorization !== "Bearer bench") {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(certificates);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sts = createDssStsClient({ baseUrl: `${url}/STS` });
  const token = passwordTokenProvider(sts, {
    client: { clientId: "dss.sample" },
    username: "demo",
    password: "demo",
  });
  const client = createDssSignClient({
    baseUrl: `${url}/SignServer/rest/api`,
    auth: bearerAuth(token),
  });
  const rawCall = async () => {
    const r = await fetch(`${url}/SignServer/rest/api/certificates`, {
      headers: { authorization: "Bearer bench" },
    });
    JSON.parse(await r.text());
  };
  const clientCall = () => listCertificates(client);
  const rounds: { raw: number; ours: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < 300 + 1500; i++) {
      const pair: [() => Promise<unknown>, number[]][] = [
        [rawCall, raw],
        [clientCall, ours],
      ];
      if (i % 2 === 1) pair.reverse();
      for (const [call, into] of pair) {
        const t = performance.now();
        await call();
        if (i >= 300) into.push(performance.now() - t); // the first 300 warm up
      }
    }
    rounds.push({ raw: median(raw), ours: median(ours) });
  }
  server.close();
  if (tokenRequests !== 1) throw new Error(`expected one token request, saw ${tokenRequests}`);
  const mid = medianRound(rounds, (r) => r.ours / r.raw);
  results.push({
    name: "token-cached client call (listCertificates) vs raw fetch + JSON.parse, same server; 1 token request in all",
    ours: mid.ours,
    baseline: mid.raw,
    unit: "ms",
    target: "(information)",
  });
}

async function load(url: string, token: string): Promise<number> {
  const result = await autocannon({
    url,
    method: "POST",
    connections: 8,
    duration: 4,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      Content: Buffer.alloc(1024, 7).toString("base64"),
      Signature: { Type: "CMS" },
    }),
  });
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`);
  return result.requests.average;
}

async function emulatorSignThroughput() {
  const child = fork(join(here, "servers.ts"), [], {
    execArgv: ["--import", "tsx", "--conditions=@trustspec/source"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const urls = await new Promise<{ bare: string; emulator: string; token: string }>((resolve) =>
    child.once("message", (m) => resolve(m as { bare: string; emulator: string; token: string })),
  );
  await load(urls.bare, "bench"); // warm both up
  await load(`${urls.emulator}/documents`, urls.token);
  const rounds: { bare: number; ours: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await load(urls.bare, "bench");
    const ours = await load(`${urls.emulator}/documents`, urls.token);
    rounds.push({ bare, ours });
  }
  child.kill();
  const mid = medianRound(rounds, (r) => r.ours / r.bare);
  results.push({
    name: "emulator signatures/s (POST /documents, CMS over 1 KiB, RSA-2048) vs bare node:http + the same signCms",
    ours: mid.ours,
    baseline: mid.bare,
    unit: "req/s",
    target: "(information)",
  });
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** The round whose ratio is the median of all rounds. */
function medianRound<T>(rounds: T[], ratio: (r: T) => number): T {
  return [...rounds].sort((a, b) => ratio(a) - ratio(b))[Math.floor(rounds.length / 2)]!;
}

await cachedTokenCallVsFetch();
await emulatorSignThroughput();

console.log(
  `\n@trustspec/dss benchmarks (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log("| measure | ours | baseline | ratio | target |");
console.log("|---|---|---|---|---|");
for (const r of results) {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(3));
  console.log(
    `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${(r.ours / r.baseline).toFixed(2)}× | ${r.target} |`,
  );
}
