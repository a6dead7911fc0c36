/** The `trustspec-codegen` command line, callable in-process ({@link runCommand}). */
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
// The generator's own entry point: the command runs what the package exports.
import {
  type CodegenEntry,
  checkReleases,
  entriesOf,
  formatBaselineWrites,
  formatReleaseCheck,
  generateFiles,
  MANIFEST_PATH,
  readManifest,
  readOpenApi,
  readWsdl,
  readXsd,
  syncDirectory,
  writeReleaseBaselines,
} from "./index.js";

/** Where the command's lines go. */
interface Out {
  log: (line: string) => void;
  error: (line: string) => void;
}

const usage = `Usage: trustspec-codegen generate [--check] [--package <dir>] [--manifest <file>] [--repo <dir>]
       trustspec-codegen <openapi|wsdl|xsd> <spec> --out <dir> --name <TypeName> [--check]
       trustspec-codegen compat [--repo <dir>] [--manifest <file>]
       trustspec-codegen baseline [--repo <dir>] [--manifest <file>]
       trustspec-codegen --version

generate: generates the packages as the codegen manifest (${MANIFEST_PATH}) says, one entry per
spec: its package folder, spec, kind (openapi, wsdl or xsd), name and output folder. Run in a
package folder (its \`generate\` script), it generates that package's entries; from the repository
root, every entry.
  --package   the package folder to generate instead, relative to the repository root
  --manifest  another manifest file; its paths stay relative to the repository root
  --repo      the repository root (default: the folder above packages/, generators/, examples/
              or specs/ of the working directory, or the working directory)

openapi, wsdl, xsd: reads one OpenAPI 3.1 document, WSDL 1.1 document or XML Schema and writes
the generated TypeScript into <dir> (*.gen.ts): types, schemas, and for OpenAPI operations,
client, server stub and MSW handlers; for WSDL the XML descriptors, the service, a SOAP client,
server stub and MSW handlers; for XSD the types, schemas and XML descriptors.
  --name   TypeScript prefix of the API, e.g. Licence (createLicenceClient)
  --check  write nothing; exit 1 when the files on disk differ from what would be generated

compat: compares the specs each published package is generated from (by the manifest) with
those of its last release (its newest release tag or its committed baseline,
release-baseline/<name>@<version>/) and exits 1 when a change breaks compatibility without a
major changeset.
baseline: records the release about to be published: copies each published package's specs to
release-baseline/<name>@<version>/ unless that version's baseline exists, and removes the
package's older baselines.`;

/** Where a command runs and where its lines go (the process's by default). */
export interface CommandIo {
  /** The working directory relative paths and the package folder are taken from. */
  cwd?: string;
  /** Prints a line of the report. */
  log?: (line: string) => void;
  /** Prints a line of a failure. */
  error?: (line: string) => void;
}

/** How each kind of spec is read into the model. */
const readers = { openapi: readOpenApi, wsdl: readWsdl, xsd: readXsd } as const;

/**
 * Runs `trustspec-codegen <argv>` and resolves to its exit code: 0 done, 1 failed (drift, a
 * breaking change, no manifest entry), 2 bad usage.
 */
export async function runCommand(argv: string[], io: CommandIo = {}): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const out: Out = { log: io.log ?? console.log, error: io.error ?? console.error };
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      name: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      repo: { type: "string" },
      manifest: { type: "string" },
      package: { type: "string" },
      version: { type: "boolean", default: false },
    },
  });
  if (values.version) {
    out.log(version());
    return 0;
  }
  const [input, spec] = positionals;
  const manifest = values.manifest === undefined ? undefined : resolve(cwd, values.manifest);
  if (input === "generate" && !values.help) {
    return generateFromManifest(out, cwd, {
      repo: resolve(cwd, values.repo ?? findRepoRoot(cwd)),
      manifest,
      package: values.package,
      check: values.check,
    });
  }
  if (input === "compat" && !values.help) {
    const results = await checkReleases(resolve(cwd, values.repo ?? "."), manifest);
    const report = formatReleaseCheck(results);
    if (results.every((r) => r.ok)) {
      out.log(report);
      return 0;
    }
    out.error(report);
    return 1;
  }
  if (input === "baseline" && !values.help) {
    const writes = await writeReleaseBaselines(resolve(cwd, values.repo ?? "."), manifest);
    out.log(formatBaselineWrites(writes));
    return 0;
  }
  const reader = readers[input as keyof typeof readers];
  if (values.help || !reader || !spec || !values.out || !values.name) {
    out.log(usage);
    return values.help ? 0 : 2;
  }
  const root = findRepoRoot(cwd);
  const source = relative(root, resolve(cwd, spec)).split("\\").join("/");
  return generateOne(
    out,
    { kind: input as CodegenEntry["kind"], spec: resolve(cwd, spec), source, name: values.name },
    {
      root,
      out: resolve(cwd, values.out),
      check: values.check,
    },
  );
}

/**
 * Generates (or with `check`, compares) the entries of the manifest: those of `package`, else of
 * the package folder that is the working directory, else (from the repository root) all.
 */
async function generateFromManifest(
  out: Out,
  cwd: string,
  options: {
    repo: string;
    manifest: string | undefined;
    package: string | undefined;
    check: boolean;
  },
): Promise<number> {
  const { repo, check } = options;
  const all = readManifest(repo, options.manifest);
  const manifestName = relative(repo, options.manifest ?? join(repo, MANIFEST_PATH));
  const here = relative(repo, cwd).split("\\").join("/");
  const folder = (options.package ?? here).replace(/\/+$/, "");
  const entries = folder === "" ? all : entriesOf(all, folder);
  if (entries.length === 0) {
    out.error(`${manifestName} has no entry for ${folder}: add one (package: ${folder}).`);
    return 1;
  }
  let code = 0;
  for (const entry of entries) {
    const result = await generateOne(
      out,
      {
        kind: entry.kind,
        spec: join(repo, entry.spec),
        source: entry.spec,
        name: entry.name,
        ...(entry.validators ? { validators: entry.validators } : {}),
      },
      { root: repo, out: join(repo, entry.package, entry.out), check },
    );
    code = Math.max(code, result);
  }
  return code;
}

/** Generates one spec into `out`, or with `check` compares; prints a line, returns the exit code. */
async function generateOne(
  out: Out,
  input: {
    kind: CodegenEntry["kind"];
    spec: string;
    source: string;
    name: string;
    validators?: string[];
  },
  target: { root: string; out: string; check: boolean },
): Promise<number> {
  const { source } = input;
  const model = await readers[input.kind](input.spec, { name: input.name, source });
  if (input.validators) {
    const known = new Set(model.schemas.map((s) => s.name));
    const unknown = input.validators.filter((v) => !known.has(v));
    if (unknown.length > 0) {
      out.error(
        `${source}: the manifest's validators name ${unknown.join(", ")}, which the spec does not define`,
      );
      return 1;
    }
    model.checkedSchemas = input.validators;
  }
  const files = generateFiles(model);
  const result = await syncDirectory(target.out, files, target.check);
  const where = relative(target.root, target.out).split("\\").join("/");
  if (target.check) {
    if (result.drift.length > 0) {
      out.error(
        `${where} is out of date with ${source}:\n  ${result.drift.join("\n  ")}\nRun \`npx -y pnpm@10.34.9 generate\` and commit the result.`,
      );
      return 1;
    }
    out.log(`${where}: up to date with ${source} (${files.size} files)`);
    return 0;
  }
  out.log(
    `${where}: ${result.written.length} written, ${result.removed.length} removed, ${files.size - result.written.length} unchanged`,
  );
  return 0;
}

/** The generator's version, from its package.json beside `src/` and `dist/`. */
function version(): string {
  const manifest = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as { version: string };
  return manifest.version;
}

function findRepoRoot(cwd: string): string {
  // The root is the folder above `packages/` or `generators/`, or the working directory.
  const m = /^(.*?)[\\/](packages|generators|examples|specs)[\\/]/.exec(`${cwd}/`);
  return m ? m[1]! : cwd;
}
