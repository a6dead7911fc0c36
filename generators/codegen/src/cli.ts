import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateFiles } from "./generate.js";
import { readOpenApi } from "./input/openapi.js";
import { readWsdl, readXsd } from "./input/wsdl.js";
import {
  checkReleases,
  formatBaselineWrites,
  formatReleaseCheck,
  writeReleaseBaselines,
} from "./release-check.js";
import { syncDirectory } from "./write.js";

const usage = `Usage: trustspec-codegen <openapi|wsdl|xsd> <spec> --out <dir> --name <TypeName> [--check]
       trustspec-codegen compat [--repo <dir>]
       trustspec-codegen --version
       trustspec-codegen baseline [--repo <dir>]

Reads an OpenAPI 3.1 document, a WSDL 1.1 document or an XML Schema and writes the generated
TypeScript of one package into <dir> (*.gen.ts): types, schemas, and for OpenAPI operations,
client, server stub and MSW handlers; for WSDL the XML descriptors, the service, a SOAP client,
server stub and MSW handlers; for XSD the types, schemas and XML descriptors.
  --name   TypeScript prefix of the API, e.g. Licence (createLicenceClient)
  --check  write nothing; exit 1 when the files on disk differ from what would be generated

compat: compares each published package's specs with those of its last release (its newest
release tag or its committed baseline, release-baseline/<name>@<version>/) and exits 1 when a
change breaks compatibility without a major changeset (--repo: the repository root, default the
working directory).
baseline: records the release about to be published: copies each published package's specs to
release-baseline/<name>@<version>/ unless that version's baseline exists, and removes the
package's older baselines.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      name: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      repo: { type: "string" },
      version: { type: "boolean", default: false },
    },
  });
  if (values.version) {
    console.log(version());
    return 0;
  }
  const [input, spec] = positionals;
  if (input === "compat" && !values.help) {
    const results = await checkReleases(resolve(values.repo ?? "."));
    const report = formatReleaseCheck(results);
    if (results.every((r) => r.ok)) {
      console.log(report);
      return 0;
    }
    console.error(report);
    return 1;
  }
  if (input === "baseline" && !values.help) {
    console.log(formatBaselineWrites(await writeReleaseBaselines(resolve(values.repo ?? "."))));
    return 0;
  }
  const readers = { openapi: readOpenApi, wsdl: readWsdl, xsd: readXsd } as const;
  const reader = readers[input as keyof typeof readers];
  if (values.help || !reader || !spec || !values.out || !values.name) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const root = findRepoRoot();
  const source = relative(root, resolve(spec)).split("\\").join("/");
  const model = await reader(spec, { name: values.name, source });
  const files = generateFiles(model);
  const out = resolve(values.out);
  const result = await syncDirectory(out, files, values.check);
  const where = relative(root, out);
  if (values.check) {
    if (result.drift.length > 0) {
      console.error(
        `${where} is out of date with ${source}:\n  ${result.drift.join("\n  ")}\nRun \`npx -y pnpm@10.34.9 generate\` and commit the result.`,
      );
      return 1;
    }
    console.log(`${where}: up to date with ${source} (${files.size} files)`);
    return 0;
  }
  console.log(
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

function findRepoRoot(): string {
  // The root is the folder above `packages/` or `generators/`, or the working directory.
  const cwd = process.cwd();
  const m = /^(.*?)[\\/](packages|generators|examples|specs)[\\/]/.exec(`${cwd}/`);
  return m ? m[1]! : cwd;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
