/**
 * `pnpm bench` for the generator: wall time of one generation, from a fresh process, of the same
 * OpenAPI documents by trustspec-codegen and by its peers (openapi-typescript, @hey-api/openapi-ts,
 * orval), each run as its user runs it (its command-line interface, output into an empty temporary
 * folder). The rounds are interleaved (every tool once per round, in an order that rotates each
 * round) after one warm-up round, so machine noise falls on every tool alike; per tool the median,
 * the range and the ratio of its median to trustspec's are printed.
 * Reproduce: `pnpm bench` at the root (9 rounds), or
 * `BENCH_ROUNDS=15 pnpm --filter @trustspec-private/bench-codegen bench` for another number of rounds
 * (after `pnpm build` of the generator; turbo does not pass BENCH_ROUNDS on).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const rounds = Number(process.env.BENCH_ROUNDS ?? 9);

/** The folder of a dev dependency of this benchmark (some packages do not export package.json). */
function packageDir(name: string): string {
  return join(import.meta.dirname, "node_modules", name);
}

interface Doc {
  label: string;
  spec: string;
  name: string;
}

const docs: Doc[] = [
  { label: "licence", spec: "specs/licence/openapi.yaml", name: "Licence" },
  { label: "dss-ums", spec: "specs/dss-ums/openapi.yaml", name: "DssUms" },
];

interface Tool {
  label: string;
  emits: string;
  /** The node arguments that generate `doc` into the empty folder `out`. */
  args(doc: Doc, out: string): string[];
}

const codegenBin = join(packageDir("@trustspec-private/codegen"), "bin/trustspec-codegen.mjs");
const tools: Tool[] = [
  {
    label: "trustspec-codegen",
    emits: "types, JSON Schemas, client, server stub, MSW mocks; formatted",
    args: (doc, out) => [codegenBin, "openapi", doc.spec, "--out", out, "--name", doc.name],
  },
  {
    label: "trustspec-codegen, types only",
    emits: "types (types.gen.ts alone; same reading, formatting, writing)",
    args: (doc, out) => [join(import.meta.dirname, "types-only.mjs"), doc.spec, out, doc.name],
  },
  {
    label: "openapi-typescript 7.13.0",
    emits: "types (one .d.ts)",
    args: (doc, out) => [
      join(packageDir("openapi-typescript"), "bin/cli.js"),
      doc.spec,
      "--output",
      join(out, "schema.d.ts"),
    ],
  },
  {
    label: "@hey-api/openapi-ts 0.95.0",
    emits: "types, SDK functions, fetch client",
    args: (doc, out) => [
      join(packageDir("@hey-api/openapi-ts"), "bin/run.js"),
      "--input",
      doc.spec,
      "--output",
      out,
      "--no-log-file",
    ],
  },
  {
    label: "orval 7.13.2",
    emits: "types, axios client functions",
    args: (doc, out) => [
      join(packageDir("orval"), "dist/bin/orval.js"),
      "--input",
      doc.spec,
      "--output",
      join(out, "api.ts"),
    ],
  },
];

/** Runs one generation in a fresh process; resolves to its wall time in milliseconds. */
function run(tool: Tool, doc: Doc): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), "trustspec-bench-"));
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, tool.args(doc, out), {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      rmSync(out, { recursive: true, force: true });
      if (code === 0) resolvePromise(ms);
      else reject(new Error(`${tool.label} on ${doc.spec} exited with ${code}:\n${stderr}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const times = new Map<string, number[]>();
const key = (tool: Tool, doc: Doc) => `${doc.label}\u0000${tool.label}`;

console.log(
  `Generation time from a fresh process, ${rounds} interleaved rounds after 1 warm-up round (node ${process.version}, ${process.platform}/${process.arch})`,
);
for (let round = 0; round <= rounds; round++) {
  for (const doc of docs) {
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + round) % tools.length]!;
      const ms = await run(tool, doc);
      if (round === 0) continue; // warm-up: file cache, compile cache
      const list = times.get(key(tool, doc)) ?? [];
      list.push(ms);
      times.set(key(tool, doc), list);
    }
  }
  if (round > 0) process.stderr.write(`round ${round}/${rounds} done\n`);
}

const verdicts: string[] = [];
for (const doc of docs) {
  const ours = median(times.get(key(tools[0]!, doc))!);
  const rows = tools.map((tool) => {
    const list = times.get(key(tool, doc))!;
    const m = median(list);
    return {
      tool: tool.label,
      "median ms": Math.round(m),
      "min–max ms": `${Math.round(Math.min(...list))}–${Math.round(Math.max(...list))}`,
      "× trustspec": (m / ours).toFixed(2),
      emits: tool.emits,
    };
  });
  console.log(`\n${doc.label} (${doc.spec})`);
  console.table(rows);
  for (const tool of tools.filter((t) => !t.label.startsWith("trustspec"))) {
    const peer = median(times.get(key(tool, doc))!);
    verdicts.push(
      `${doc.label}: trustspec-codegen median ${Math.round(ours)} ms ${ours < peer ? "<" : "≥"} ${tool.label} ${Math.round(peer)} ms`,
    );
  }
}
console.log(`\n${verdicts.join("\n")}`);
