/**
 * How long Node 20 takes to load a client: `import()` of each module in a fresh process, timed
 * inside that process (so Node's own start-up is left out), the modules taking turns in a shuffled
 * order, the median of the runs with its range. The packages are loaded as a user installs them
 * (their built `dist`, no source condition), so build first (the main job or `pnpm build`).
 *
 * Reproduce: `pnpm --filter @trustspec-private/bench-calls bench:load`. LOAD_RUNS sets the number
 * of runs per module (default 15).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { median, shuffled } from "./stats.js";

const here = import.meta.dirname;
const root = resolve(here, "../..");
const RUNS = Number(process.env.LOAD_RUNS ?? 15);

if (!existsSync(join(root, "packages/licence/dist/index.mjs"))) {
  console.error("Build the packages first: the load times are those of their built dist.");
  process.exit(1);
}

// Ajv as the runtime would load it: resolved from the runtime's own dependencies.
const fromRuntime = createRequire(join(root, "packages/runtime/package.json"));
const ajvModules = [
  fromRuntime.resolve("ajv/dist/2020.js"),
  fromRuntime.resolve("ajv-formats"),
].map((file) => `file://${file}`);

/** What is loaded, by label: the module specifiers imported one after the other. */
const runtimeDist = (file: string) => `file://${join(root, "packages/runtime/dist", file)}`;
const subjects: Record<string, string[]> = {
  "an empty module (the ES module loader's own cost)": ["data:text/javascript,export{}"],
  "@trustspec/licence (the validating client)": ["@trustspec/licence"],
  "@trustspec/licence/lite": ["@trustspec/licence/lite"],
  "openapi-fetch 0.17.0": ["openapi-fetch"],
  "@trustspec/runtime/core (what generated clients import)": [runtimeDist("core.mjs")],
  "@trustspec/runtime (the root: core + createClient with Ajv)": [runtimeDist("index.mjs")],
  "Ajv 2020 + ajv-formats alone": ajvModules,
};
const labels = Object.keys(subjects);

/** Milliseconds one fresh process takes to import `specifiers`. */
function loadTime(specifiers: string[]): number {
  const code = [
    "const t = performance.now();",
    ...specifiers.map((s) => `await import(${JSON.stringify(s)});`),
    "process.stdout.write(String(performance.now() - t));",
  ].join("\n");
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: here,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`loading ${specifiers.join(", ")} failed:\n${run.stderr}`);
  return Number(run.stdout);
}

const times: Record<string, number[]> = Object.fromEntries(labels.map((l) => [l, []]));
for (let run = 0; run < RUNS; run++) {
  for (const label of shuffled(labels)) times[label]!.push(loadTime(subjects[label]!));
}

const ms = (x: number) => x.toFixed(1);

console.log(
  `\nLoading a client under Node (${process.version}, ${new Date().toISOString().slice(0, 10)}; ${RUNS} fresh processes per module, import() timed inside each)\n`,
);
console.log("| module | ms to import, median [range] |");
console.log("|---|---|");
for (const label of labels) {
  const xs = times[label]!;
  console.log(`| ${label} | ${ms(median(xs))} [${ms(Math.min(...xs))}–${ms(Math.max(...xs))}] |`);
}
