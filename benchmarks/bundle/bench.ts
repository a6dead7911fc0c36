/**
 * `pnpm bench` for bundle size: the `listLicences` operation of the licence API bundled for the
 * browser (esbuild, minified, gzip -9; see sizes.ts) from the trustspec client, in its
 * configurations, and from its peers: openapi-fetch (no generated code at run time: the call is
 * `GET("/api/licences")` on its client; its types would come from openapi-typescript and weigh
 * nothing in a bundle) and the clients generated from the same document
 * (`specs/licence/openapi.yaml`) by @hey-api/openapi-ts (its SDK with its fetch client) and
 * orval (its fetch client), which generate into a temporary folder, from their command lines.
 * Then the generated validators against Ajv's standalone code (validators.ts).
 * Reproduce: `pnpm bench` at the root, or `pnpm --filter @trustspec-private/bench-bundle bench`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BundleSize, bundleSize, kB, trustspecEntries } from "./sizes.js";

const root = resolve(import.meta.dirname, "../..");
const spec = join(root, "specs/licence/openapi.yaml");
const modules = join(import.meta.dirname, "node_modules");

interface Peer {
  label: string;
  /** Node arguments that generate the client into `out`; absent when nothing is generated. */
  generate?(out: string): string[];
  /** The entry module calling `listLicences` from the client in `out`. */
  entry(out: string): string;
}

const peers: Peer[] = [
  {
    label: "openapi-fetch 0.17.0",
    entry: () => `
      import createClient from "openapi-fetch";
      export const run = (baseUrl: string) => createClient({ baseUrl }).GET("/api/licences");`,
  },
  {
    label: "@hey-api/openapi-ts 0.95.0 (SDK + fetch client)",
    generate: (out) => [
      join(modules, "@hey-api/openapi-ts/bin/run.js"),
      "--input",
      spec,
      "--output",
      out,
      "--no-log-file",
    ],
    entry: (out) => `
      import { client } from ${JSON.stringify(join(out, "client.gen.ts"))};
      import { listLicences } from ${JSON.stringify(join(out, "sdk.gen.ts"))};
      export const run = (baseUrl: string) => { client.setConfig({ baseUrl }); return listLicences(); };`,
  },
  {
    label: "orval 7.13.2 (fetch client)",
    generate: (out) => [
      join(modules, "orval/dist/bin/orval.js"),
      "--input",
      spec,
      "--output",
      join(out, "api.ts"),
      "--client",
      "fetch",
    ],
    entry: (out) => `
      import { listLicences } from ${JSON.stringify(join(out, "api.ts"))};
      export const run = () => listLicences();`,
  },
];

const rows: [string, BundleSize][] = [];
for (const [label, source] of Object.entries(trustspecEntries)) {
  rows.push([`trustspec, ${label}`, await bundleSize(source, import.meta.dirname)]);
}
for (const peer of peers) {
  const out = mkdtempSync(join(tmpdir(), "trustspec-bundle-"));
  try {
    if (peer.generate) {
      const run = spawnSync(process.execPath, peer.generate(out), {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      });
      if (run.status !== 0) throw new Error(`${peer.label} failed to generate:\n${run.stderr}`);
    }
    rows.push([
      peer.label,
      await bundleSize(peer.entry(out), peer.generate ? out : import.meta.dirname),
    ]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

console.log("listLicences bundle (esbuild, platform browser, minified, ES module; gzip -9):");
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, size] of rows) {
  const note = size.nodeImports.length
    ? `  (imports ${[...new Set(size.nodeImports)].join(", ")}, left external)`
    : "";
  console.log(
    `  ${label.padEnd(width)}  ${kB(size.minified).padStart(8)} min  ${kB(size.gzip).padStart(8)} gzip${note}`,
  );
}

await import("./validators.js");
