/**
 * `pnpm bench` for @trustspec/dss-ums. Every figure is compared with a baseline measured in the
 * same run on the same machine, against the emulator in a child process (so this process's heap
 * holds only the client's data):
 *   1. memory while iterating 10 000 users with `iterateUsers` (100 per page), after a warm-up
 *      pass: the live heap after a full GC, sampled every 500 users; its growth per user (the
 *      least-squares slope) against the heap each user takes when all are collected into an array,
 *      and the range of the samples against all users held;
 *   2. a client call (getUserById: the generated client, contract checks both ways, Bearer auth)
 *      vs raw fetch + JSON.parse of the same request, calls interleaved one by one, medians.
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/dss-ums bench`).
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { bearerAuth } from "@trustspec/runtime";
import { createDssUmsClient, getUserById, iterateUsers, searchUsers } from "../src/index.js";

const USERS = 10_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

const child = fork(join(import.meta.dirname, "emulator-process.ts"), [], {
  env: { ...process.env, USERS: String(USERS) },
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout! }).once("line", resolve);
  child.once("exit", (code) => reject(new Error(`the emulator exited with ${code}`)));
});
const ums = createDssUmsClient({
  baseUrl: `${url}/STS/ums`,
  auth: bearerAuth("bench"),
  retry: false,
});

function liveHeap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const results: { name: string; ours: number; baseline: number; unit: string; target: string }[] =
  [];

async function memoryWhileIterating() {
  // A first full pass warms up the client, its validators and the JIT; it is not measured.
  let count = 0;
  for await (const _ of iterateUsers(ums, undefined, { pageSize: 100 })) count++;
  if (count !== USERS) throw new Error(`iterated ${count} users, not ${USERS}`);
  // The measured pass: the live heap (after a full GC) every 500 users.
  const xs: number[] = [];
  const ys: number[] = [];
  count = 0;
  for await (const _ of iterateUsers(ums, undefined, { pageSize: 100 })) {
    count++;
    if (count % 500 === 0) {
      xs.push(count);
      ys.push(liveHeap());
    }
  }
  // Bytes per user the live heap grows by while iterating: the least-squares slope.
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const slope = num / den;
  const spread = Math.max(...ys) - Math.min(...ys);
  // The baseline: the same users collected into an array, as code without an iterator would.
  const before = liveHeap();
  const all: unknown[] = [];
  for (let start = 0; start < USERS; start += 100) {
    const { data } = await searchUsers(ums, {
      body: { StartPosition: start, EndPosition: start + 100 },
    });
    all.push(...data.UserInfos);
  }
  const held = liveHeap() - before;
  if (all.length !== USERS) throw new Error("collected too few users");
  results.push({
    name: `live heap growth per user while iterating ${USERS} users vs per user held in an array`,
    ours: Math.max(slope, 0),
    baseline: held / USERS,
    unit: "B",
    target: "≤ 0.05× (flat)",
  });
  results.push({
    name: `live heap range over the iteration (samples every 500 users) vs all ${USERS} users held`,
    ours: spread / 1024,
    baseline: held / 1024,
    unit: "KiB",
    target: "(information)",
  });
}

const ROUNDS = 5;
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function clientVsFetch() {
  const { data } = await searchUsers(ums, { body: { StartPosition: 4321, EndPosition: 4322 } });
  const id = data.UserInfos[0]!.UserId;
  const rawCall = async () => {
    const r = await fetch(`${url}/STS/ums/user/${id}`, {
      headers: { authorization: "Bearer bench", accept: "application/json" },
    });
    JSON.parse(await r.text());
  };
  const clientCall = () => getUserById(ums, { path: { id } });
  // The same client without the contract checks and the timeout, to show where the time goes.
  const bare = createDssUmsClient({
    baseUrl: `${url}/STS/ums`,
    auth: bearerAuth("bench"),
    retry: false,
    validation: "off",
    timeoutMs: 0,
  });
  const bareCall = () => getUserById(bare, { path: { id } });
  const rounds: { raw: number; ours: number; bare: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const raw: number[] = [];
    const ours: number[] = [];
    const lean: number[] = [];
    for (let i = 0; i < 300 + 1500; i++) {
      const calls: [() => Promise<unknown>, number[]][] = [
        [rawCall, raw],
        [clientCall, ours],
        [bareCall, lean],
      ];
      if (i % 2 === 1) calls.reverse();
      for (const [call, into] of calls) {
        const t = performance.now();
        await call();
        if (i >= 300) into.push(performance.now() - t); // the first 300 warm up
      }
    }
    rounds.push({ raw: median(raw), ours: median(ours), bare: median(lean) });
  }
  rounds.sort((a, b) => a.ours / a.raw - b.ours / b.raw);
  const mid = rounds[Math.floor(rounds.length / 2)]!;
  results.push({
    name: "client call (getUserById, checked both ways) vs raw fetch + JSON.parse, same emulator",
    ours: mid.ours,
    baseline: mid.raw,
    unit: "ms",
    target: "≤ 1.10×",
  });
  results.push({
    name: "the same client call without contract checks and timeout vs raw fetch + JSON.parse",
    ours: mid.bare,
    baseline: mid.raw,
    unit: "ms",
    target: "(information)",
  });
}

try {
  await memoryWhileIterating();
  await clientVsFetch();
} finally {
  child.send("stop");
}

console.log(
  `\n@trustspec/dss-ums benchmarks (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log("| measure | ours | baseline | ratio | target |");
console.log("|---|---|---|---|---|");
for (const r of results) {
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(3));
  console.log(
    `| ${r.name} | ${fmt(r.ours)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ${(r.ours / r.baseline).toFixed(2)}× | ${r.target} |`,
  );
}
