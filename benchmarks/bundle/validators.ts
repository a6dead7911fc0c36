/**
 * `pnpm bench` for the generated validators against Ajv's standalone code (what the generator
 * emitted before it wrote its own checks), both generated in this run from the same specs:
 * - size: every API's `validators.gen.ts` (formatted as committed) and each module bundled whole
 *   (esbuild, minified, gzip -9);
 * - the `listLicences` browser bundle (see sizes.ts) with each, validation on and the signature
 *   checked;
 * - speed: validations per second of a valid `LicenceList` of 20 licences and of a broken one
 *   (every problem reported), in interleaved rounds; the ratio is ours over Ajv's.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type CompiledSchema, type SchemaBundle, sampleFromSchema } from "@trustspec/runtime";
import {
  emitAjvValidators,
  emitValidators,
  formatTypeScript,
  readManifest,
  readOpenApi,
} from "@trustspec-private/codegen";
import { build, type Plugin } from "esbuild";
import { bundleSize, kB, trustspecEntries } from "./sizes.js";

const root = resolve(import.meta.dirname, "../..");
const emitters = { "generated checks": emitValidators, "Ajv standalone": emitAjvValidators };
type Variant = keyof typeof emitters;
const variants = Object.keys(emitters) as Variant[];

/** A module's text, bundled alone from `dir` (so that its imports resolve), minified. */
async function bundled(text: string, dir: string, platform: "browser" | "node"): Promise<string> {
  const result = await build({
    stdin: { contents: text, resolveDir: dir, loader: "ts", sourcefile: "validators.gen.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    conditions: ["@trustspec/source"],
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** Serves `text` for the licence descriptors' `./validators.gen.js`, as if it had been generated. */
function replaceValidators(text: string, dir: string): Plugin {
  return {
    name: "validators",
    setup(b) {
      b.onResolve({ filter: /^\.\/validators\.gen\.js$/ }, () => ({
        path: "validators",
        namespace: "validators",
      }));
      b.onLoad({ filter: /.*/, namespace: "validators" }, () => ({
        contents: text,
        resolveDir: dir,
        loader: "ts",
      }));
    },
  };
}

const gzip = (text: string | Uint8Array) => gzipSync(text, { level: 9 }).byteLength;

// ---- size ----------------------------------------------------------------------------------
const totals = Object.fromEntries(variants.map((v) => [v, { text: 0, gzip: 0 }])) as Record<
  Variant,
  { text: number; gzip: number }
>;
const licence: Partial<Record<Variant, string>> = {};
let licenceModel: Awaited<ReturnType<typeof readOpenApi>> | undefined;
for (const entry of readManifest(root)) {
  if (entry.kind !== "openapi") continue;
  const model = await readOpenApi(join(root, entry.spec), { name: entry.name, source: entry.spec });
  const dir = join(root, entry.package, entry.out);
  for (const variant of variants) {
    const raw = emitters[variant](model);
    if (raw === undefined) continue;
    const text = formatTypeScript(raw, "validators.gen.ts");
    totals[variant].text += Buffer.byteLength(text);
    totals[variant].gzip += gzip(await bundled(text, dir, "browser"));
    if (entry.name === "Licence") {
      licence[variant] = text;
      licenceModel = model;
    }
  }
}
if (!licenceModel) throw new Error("no licence API in the codegen manifest");
const licenceDir = join(root, "packages/licence/src/generated");

const sizes: Record<Variant, number> = {} as Record<Variant, number>;
for (const variant of variants) {
  const size = await bundleSize(
    trustspecEntries["validation on + signature check (defaults)"],
    import.meta.dirname,
    [replaceValidators(licence[variant]!, licenceDir)],
  );
  sizes[variant] = size.gzip;
}

// ---- speed ---------------------------------------------------------------------------------
const bundle: SchemaBundle = {
  $id: licenceModel.bundleId,
  $defs: Object.fromEntries(licenceModel.schemas.map((s) => [s.name, s.schema])),
};
const one = (seed: number) => sampleFromSchema(bundle, "Licence", seed) as Record<string, unknown>;
const valid = { Licences: Array.from({ length: 20 }, (_, i) => one(i + 1)) };
const broken = {
  Licences: valid.Licences.map((l, i) =>
    i % 4 === 0 ? { ...l, KeyNo: "7", ExpireDate: "2024-13-01T00:00:00Z", Flags: undefined } : l,
  ),
};

const scratch = mkdtempSync(join(tmpdir(), "trustspec-validators-"));
const validators = {} as Record<Variant, CompiledSchema>;
try {
  for (const variant of variants) {
    const file = join(scratch, `${variant.replace(/\W+/g, "-")}.mjs`);
    writeFileSync(file, await bundled(licence[variant]!, licenceDir, "node"));
    const module = (await import(file)) as Record<string, CompiledSchema>;
    validators[variant] = module.validateLicenceList!;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
for (const variant of variants) {
  if (!validators[variant](valid)) throw new Error(`${variant}: the valid list fails`);
  if (validators[variant](broken)) throw new Error(`${variant}: the broken list passes`);
}

/** Validations per second of `value` over one round of about 100 ms. */
function round(validate: CompiledSchema, value: unknown): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 200; i++) validate(value);
    n += 200;
    elapsed = performance.now() - start;
  } while (elapsed < 100);
  return (n / elapsed) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cases = { "valid LicenceList (20 licences)": valid, "broken LicenceList (5 of 20)": broken };
const speed: Record<string, Record<Variant, number[]>> = {};
for (const [label, value] of Object.entries(cases)) {
  speed[label] = { "generated checks": [], "Ajv standalone": [] };
  for (let r = 0; r < 2; r++) for (const v of variants) round(validators[v], value); // warm-up
  for (let r = 0; r < 9; r++)
    for (const v of r % 2 ? [...variants].reverse() : variants)
      speed[label]![v].push(round(validators[v], value));
}

// ---- report --------------------------------------------------------------------------------
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const [ours, ajv] = variants as [Variant, Variant];
console.log("\nGenerated validators against Ajv's standalone code, generated in this run:");
console.log(
  `  all APIs' validators.gen.ts: ${kB(totals[ours].text)} against ${kB(totals[ajv].text)} (${ratio(totals[ours].text, totals[ajv].text)}); ` +
    `each bundled whole, min + gzip -9: ${kB(totals[ours].gzip)} against ${kB(totals[ajv].gzip)} (${ratio(totals[ours].gzip, totals[ajv].gzip)})`,
);
console.log(
  `  listLicences, validation on + signature check, gzip -9: ${kB(sizes[ours])} against ${kB(sizes[ajv])} (${ratio(sizes[ours], sizes[ajv])})`,
);
for (const [label, runs] of Object.entries(speed)) {
  const fmt = (xs: number[]) =>
    `${Math.round(median(xs)).toLocaleString("en")}/s (${Math.round(Math.min(...xs)).toLocaleString("en")}–${Math.round(Math.max(...xs)).toLocaleString("en")})`;
  const ratios = runs[ours].map((x, i) => x / runs[ajv][i]!);
  console.log(
    `  ${label}: ${fmt(runs[ours])} against ${fmt(runs[ajv])}; ours/Ajv median ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
  );
}
