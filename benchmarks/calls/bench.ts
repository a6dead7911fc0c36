/**
 * `pnpm bench` for call speed: one `listLicences` call of the licence API (`GET /api/licences`,
 * the emulator's three demo licences, signed) made by the trustspec client in four
 * configurations, by raw fetch (with and without the same signature check), and by the clients
 * its peers generate from the same document (`specs/licence/openapi.yaml`): orval's fetch client,
 * openapi-fetch, and @hey-api/openapi-ts's SDK with its fetch client, with and without its zod
 * validators. All call one local server (server.ts, a process of its own) that signs each
 * distinct `Licence-QueryID` once, and all send the same QueryIDs, drawn in turn from one pool, so
 * every client gets the same server work.
 *
 * Two measures, each in interleaved rounds:
 * - sequential: one call at a time, the variants taking turns call by call (in a fresh shuffled
 *   order each turn); per round, the median latency of each variant;
 * - 50 in flight: batches of 50 concurrent calls, the variants taking turns batch by batch;
 *   per round, the median batch time divided by 50.
 * Figures are the medians over the rounds, with their range; ratios are taken within each round
 * and then summarised the same way.
 *
 * The trustspec client runs from its TypeScript sources (the `@trustspec/source` export
 * condition, through tsx), as the repository's tests use it.
 *
 * Reproduce: `pnpm bench` at the root, or `pnpm --filter @trustspec-private/bench-calls bench`.
 * Settings (environment): CALLS_ROUNDS (default 7), CALLS_SEQUENTIAL (measured calls per variant
 * and round, default 800), CALLS_BATCHES (measured batches per variant and round, default 40).
 * Profile one variant under 50 in flight: `node --cpu-prof --conditions=@trustspec/source
 * --import tsx bench.ts --profile defaults` (the names are the keys of `variants` below).
 */
import { fork, spawnSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createLicenceClient, createQueryId, listLicences } from "@trustspec/licence";
import {
  createLicenceClient as createLiteLicenceClient,
  listLicences as listLicencesLite,
} from "@trustspec/licence/lite";
import createFetchClient from "openapi-fetch";
import {
  validateGetApiInfoLicenceQueryIDParam,
  validateLicenceList,
} from "../../packages/licence/src/generated/validators.gen.js";
import { median, shuffled } from "./stats.js";

const here = import.meta.dirname;
const root = resolve(here, "../..");
const spec = join(root, "specs/licence/openapi.yaml");
const modules = join(here, "node_modules");
const IN_FLIGHT = 50;
const ROUNDS = Number(process.env.CALLS_ROUNDS ?? 7);
const SEQUENTIAL = Number(process.env.CALLS_SEQUENTIAL ?? 800);
const BATCHES = Number(process.env.CALLS_BATCHES ?? 40);
const AUTHORIZATION = `Basic ${btoa("admin:admin")}`;

// --- the server ---------------------------------------------------------------------------------

const server = fork(join(here, "server.ts"), [], {
  execArgv: ["--conditions=@trustspec/source", "--import", "tsx"],
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const { url, publicKey } = await new Promise<{ url: string; publicKey: string }>((done) =>
  server.once("message", (m) => done(m as { url: string; publicKey: string })),
);
const keyObject = createPublicKey(publicKey);
/** The QueryIDs every client sends, in turn. */
const queryIds = Array.from({ length: 64 }, () => createQueryId());
let nextId = 0;
const queryId = () => queryIds[nextId++ % queryIds.length]!;

// --- the peers' clients, generated into a folder of this package (so `zod` resolves) ------------

const out = mkdtempSync(join(here, ".peers-"));
process.on("exit", () => rmSync(out, { recursive: true, force: true }));

function generate(label: string, args: string[]): void {
  const run = spawnSync(process.execPath, args, {
    cwd: out,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (run.status !== 0) throw new Error(`${label} failed to generate:\n${run.stderr}`);
}

function heyApi(folder: string, plugins: unknown): void {
  const config = join(out, `${folder}.config.mjs`);
  writeFileSync(
    config,
    `export default ${JSON.stringify({ input: spec, output: join(out, folder), plugins })};\n`,
  );
  generate(`@hey-api/openapi-ts (${folder})`, [
    join(modules, "@hey-api/openapi-ts/bin/run.js"),
    "--file",
    config,
    "--no-log-file",
    "--silent",
  ]);
}

heyApi("hey", ["@hey-api/client-fetch", "@hey-api/sdk"]);
heyApi("hey-zod", ["@hey-api/client-fetch", "zod", { name: "@hey-api/sdk", validator: true }]);
// orval takes its base URL from a configuration file; the server's URL is known by now.
writeFileSync(
  join(out, "orval.config.cjs"),
  `module.exports = ${JSON.stringify({
    licence: {
      input: { target: spec },
      output: { target: join(out, "orval/api.ts"), client: "fetch", baseUrl: url },
    },
  })};\n`,
);
generate("orval", [join(modules, "orval/dist/bin/orval.js"), "--config", "orval.config.cjs"]);

/** What the benchmark uses of each peer's generated module. */
interface HeyApiModule {
  client: { setConfig(config: { baseUrl: string; headers: Record<string, string> }): void };
  listLicences(options: {
    headers: Record<string, string>;
  }): Promise<{ data?: unknown; error?: unknown }>;
}
interface OrvalModule {
  listLicences(options: RequestInit): Promise<{ data: unknown; status: number }>;
}
const load = async <T>(path: string) => (await import(pathToFileURL(join(out, path)).href)) as T;
const hey = await load<HeyApiModule>("hey/sdk.gen.ts");
const heyClient = await load<Pick<HeyApiModule, "client">>("hey/client.gen.ts");
const heyZod = await load<HeyApiModule>("hey-zod/sdk.gen.ts");
const heyZodClient = await load<Pick<HeyApiModule, "client">>("hey-zod/client.gen.ts");
const orval = await load<OrvalModule>("orval/api.ts");
for (const c of [heyClient, heyZodClient]) {
  c.client.setConfig({ baseUrl: url, headers: { authorization: AUTHORIZATION } });
}

/** The part of the document openapi-fetch needs, as openapi-typescript would type it. */
interface Paths {
  "/api/licences": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: {
        query?: never;
        header?: { "Licence-QueryID"?: string };
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": unknown } };
      };
    };
  };
}
const openapiFetch = createFetchClient<Paths>({
  baseUrl: url,
  headers: { authorization: AUTHORIZATION },
});

// --- the variants -------------------------------------------------------------------------------

const trustspec = (options: Parameters<typeof createLicenceClient>[0]) => {
  const client = createLicenceClient({
    baseUrl: url,
    credentials: { username: "admin", password: "admin" },
    ...options,
  });
  return async (id: string) =>
    (await listLicences(client, { headers: { "Licence-QueryID": id } })).data;
};

// The light entry: operations without validators, the signature check a stated choice (off here).
const liteClient = createLiteLicenceClient({
  baseUrl: url,
  credentials: { username: "admin", password: "admin" },
  signature: "off",
});

/** Each variant makes one `listLicences` call with the given QueryID and returns the licences. */
const variants = {
  raw: async (id: string) => {
    const r = await fetch(`${url}/api/licences`, {
      headers: { authorization: AUTHORIZATION, "licence-queryid": id },
    });
    return JSON.parse(await r.text()) as unknown;
  },
  // What the trustspec client must do at the least: check the echoed QueryID and the signature
  // (node:crypto, as the client does under Node) over the QueryID and the body, then parse.
  rawVerified: async (id: string) => {
    const r = await fetch(`${url}/api/licences`, {
      headers: { authorization: AUTHORIZATION, "licence-queryid": id },
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    const signature = Buffer.from(r.headers.get("licence-signature") ?? "", "base64");
    const signed = Buffer.concat([Buffer.from(id, "latin1"), bytes]);
    if (r.headers.get("licence-queryid") !== id || !verify("sha256", signed, keyObject, signature))
      throw new Error("the answer's signature does not verify");
    return JSON.parse(bytes.toString("utf8")) as unknown;
  },
  // The same work as the trustspec defaults, written by hand: the raw + verify loop above, plus
  // the client's default 30 s timeout as most code sets one (`AbortSignal.timeout`), and the
  // contract check the defaults make: the QueryID header and the answer, with the same compiled
  // validators the client uses.
  rawSameWork: async (id: string) => {
    if (!validateGetApiInfoLicenceQueryIDParam(id)) throw new Error("bad QueryID");
    const r = await fetch(`${url}/api/licences`, {
      headers: { authorization: AUTHORIZATION, "licence-queryid": id },
      signal: AbortSignal.timeout(30_000),
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    const signature = Buffer.from(r.headers.get("licence-signature") ?? "", "base64");
    const signed = Buffer.concat([Buffer.from(id, "latin1"), bytes]);
    if (r.headers.get("licence-queryid") !== id || !verify("sha256", signed, keyObject, signature))
      throw new Error("the answer's signature does not verify");
    const data = JSON.parse(bytes.toString("utf8")) as unknown;
    if (!validateLicenceList(data)) throw new Error("the answer breaks the contract");
    return data;
  },
  orval: async (id: string) =>
    (
      await orval.listLicences({
        headers: { authorization: AUTHORIZATION, "Licence-QueryID": id },
      })
    ).data as unknown,
  openapiFetch: async (id: string) =>
    (await openapiFetch.GET("/api/licences", { params: { header: { "Licence-QueryID": id } } }))
      .data,
  heyApi: async (id: string) =>
    (await hey.listLicences({ headers: { "Licence-QueryID": id } })).data,
  heyApiZod: async (id: string) =>
    (await heyZod.listLicences({ headers: { "Licence-QueryID": id } })).data,
  // The peers have no timeout; fetch does work of its own for every signal it is given.
  bare: trustspec({ signature: { policy: "off" }, validation: "off", timeoutMs: 0 }),
  off: trustspec({ signature: { policy: "off" }, validation: "off" }),
  lite: async (id: string) =>
    (await listLicencesLite(liteClient, { headers: { "Licence-QueryID": id } })).data,
  validation: trustspec({ signature: { policy: "off" } }),
  defaults: trustspec({ signature: { publicKey } }),
};
type Name = keyof typeof variants;
const names = Object.keys(variants) as Name[];
const labels: Record<Name, string> = {
  raw: "raw fetch + JSON.parse",
  rawVerified: "raw fetch + node:crypto verify + parse",
  rawSameWork: "raw fetch + verify + parse + 30 s timeout + the same contract check",
  orval: "orval 7.13.2 (fetch client)",
  openapiFetch: "openapi-fetch 0.17.0",
  heyApi: "@hey-api/openapi-ts 0.95.0 (fetch client)",
  heyApiZod: "@hey-api/openapi-ts 0.95.0 + zod validators",
  bare: "trustspec, signature, validation and timeout off",
  off: "trustspec, signature and validation off",
  lite: "trustspec/lite, signature off (no validators)",
  validation: "trustspec, validation on (signature off)",
  defaults: "trustspec defaults (signature + validation)",
};
/** The baseline each trustspec configuration is compared with like for like. */
const likeForLike: Partial<Record<Name, Name>> = {
  bare: "raw",
  off: "raw",
  lite: "raw",
  validation: "raw",
  defaults: "rawSameWork",
};

// Every client must really call and get the three licences before anything is timed.
for (const name of names) {
  const data = (await variants[name](queryId())) as { Licences?: unknown[] } | undefined;
  if (data?.Licences?.length !== 3)
    throw new Error(`${labels[name]} did not return the three licences: ${JSON.stringify(data)}`);
}

// --- measuring ----------------------------------------------------------------------------------

async function sequentialRound(): Promise<Record<Name, number>> {
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const warmup = Math.ceil(SEQUENTIAL / 4);
  for (let i = 0; i < warmup + SEQUENTIAL; i++) {
    for (const name of shuffled(names)) {
      const id = queryId();
      const t = performance.now();
      await variants[name](id);
      if (i >= warmup) times[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n]) * 1000])) as Record<Name, number>;
}

async function batch(name: Name): Promise<number> {
  const call = variants[name];
  const ids = Array.from({ length: IN_FLIGHT }, queryId);
  const t = performance.now();
  await Promise.all(ids.map((id) => call(id)));
  return performance.now() - t;
}

async function inFlightRound(): Promise<Record<Name, number>> {
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const warmup = Math.ceil(BATCHES / 4);
  for (let i = 0; i < warmup + BATCHES; i++) {
    for (const name of shuffled(names)) {
      const ms = await batch(name);
      if (i >= warmup) times[name].push(ms);
    }
  }
  return Object.fromEntries(names.map((n) => [n, (median(times[n]) * 1000) / IN_FLIGHT])) as Record<
    Name,
    number
  >;
}

const profiled = process.argv.indexOf("--profile");
if (profiled >= 0) {
  // Only one variant, under 50 in flight, for a CPU profile of its call path.
  const name = process.argv[profiled + 1] as Name;
  if (!(name in variants)) throw new Error(`--profile takes one of ${names.join(", ")}`);
  const until = performance.now() + 15_000;
  let batches = 0;
  while (performance.now() < until) {
    await batch(name);
    batches++;
  }
  console.log(`${labels[name]}: ${batches} batches of ${IN_FLIGHT} calls profiled`);
  server.disconnect();
  process.exit(0);
}

const sequential: Record<Name, number>[] = [];
const inFlight: Record<Name, number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  sequential.push(await sequentialRound());
  inFlight.push(await inFlightRound());
}
server.disconnect();

// --- the report ---------------------------------------------------------------------------------

/** Median and range over the rounds of one figure. */
function spread(values: number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}
const µs = (values: number[]) => {
  const s = spread(values);
  return `${s.median.toFixed(0)} [${s.min.toFixed(0)}–${s.max.toFixed(0)}]`;
};
const times = (values: number[]) => {
  const s = spread(values);
  return `${s.median.toFixed(2)}× [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;
};
const ratios = (rounds: Record<Name, number>[], a: Name, b: Name) => rounds.map((r) => r[a] / r[b]);

console.log(
  `\nlistLicences calls (node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `${ROUNDS} rounds; sequential: median of ${SEQUENTIAL} calls per variant and round; ` +
    `${IN_FLIGHT} in flight: median of ${BATCHES} batches per variant and round ÷ ${IN_FLIGHT})\n`,
);
console.log(
  "| client | sequential µs/call | vs raw fetch | vs like for like | 50 in flight µs/call | vs raw fetch | vs like for like |",
);
console.log("|---|---|---|---|---|---|---|");
for (const name of names) {
  const base = likeForLike[name];
  const cells = [sequential, inFlight].flatMap((rounds) => [
    µs(rounds.map((r) => r[name])),
    times(ratios(rounds, name, "raw")),
    base
      ? `${times(ratios(rounds, name, base))} (${base === "raw" ? "raw" : "same work by hand"})`
      : "",
  ]);
  console.log(`| ${labels[name]} | ${cells.join(" | ")} |`);
}

const targets: { text: string; ours: Name; baseline: Name; limit?: number }[] = [
  {
    text: "trustspec defaults ≤ 1.05× raw fetch + the same verify + parse",
    ours: "defaults",
    baseline: "rawVerified",
    limit: 1.05,
  },
  {
    text: "trustspec, signature and validation off ≤ orval",
    ours: "off",
    baseline: "orval",
    limit: 1,
  },
  {
    text: "trustspec/lite, signature off ≤ orval",
    ours: "lite",
    baseline: "orval",
    limit: 1,
  },
  {
    text: "trustspec, validation on ≤ openapi-fetch",
    ours: "validation",
    baseline: "openapiFetch",
    limit: 1,
  },
  {
    text: "(information) trustspec defaults against the same work by hand (verify, parse, timeout, contract check)",
    ours: "defaults",
    baseline: "rawSameWork",
  },
  {
    text: "(information) trustspec with the timeout off too, against orval (which has none)",
    ours: "bare",
    baseline: "orval",
  },
];
console.log("\nTargets (median ratio over the rounds [range]):");
for (const t of targets) {
  const verdicts = (
    [
      ["sequential", sequential],
      ["50 in flight", inFlight],
    ] as const
  ).map(([label, rounds]) => {
    const r = ratios(rounds, t.ours, t.baseline);
    const verdict = t.limit === undefined ? "" : median(r) <= t.limit ? " met" : " NOT met";
    return `${label} ${times(r)}${verdict}`;
  });
  console.log(`- ${t.text}: ${verdicts.join("; ")}`);
}
