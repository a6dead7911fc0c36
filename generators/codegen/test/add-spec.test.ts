/**
 * Adding a spec is one manifest entry: in a copy of the repository's manifest, its specs and
 * packages (a throw-away git repository), one more entry for a small spec and a package whose
 * scripts are the usual one-liners makes the spec generated, drift-checked and release-checked,
 * through the `trustspec-codegen` command as the package scripts and the test command run it
 * (in-process through {@link runCommand}; once as the installed command).
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "../src/commands.js";
import { generateFiles } from "../src/generate.js";
import { readOpenApi } from "../src/input/openapi.js";
import { referencedSchemaTexts } from "../src/input/xsd.js";
import { MANIFEST_PATH, readManifest } from "../src/manifest.js";
import { gitIn } from "./git.js";

const here = import.meta.dirname;
const repoRoot = join(here, "..", "..", "..");
const bin = join(here, "..", "bin", "trustspec-codegen.mjs");
const fixture = join(here, "fixtures", "params", "openapi.yaml");

const dir = mkdtempSync(join(tmpdir(), "add-spec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
function copy(path: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  copyFileSync(join(repoRoot, path), join(dir, path));
}
function git(...args: string[]) {
  gitIn(dir, ...args);
}
/** Runs `trustspec-codegen <args>` in `cwd` (a folder of the throw-away repository). */
async function codegen(cwd: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCommand(args, {
    cwd: join(dir, cwd),
    log: (line) => out.push(`${line}\n`),
    error: (line) => err.push(`${line}\n`),
  });
  return { status, out: out.join(""), err: err.join("") };
}
/** The same as the installed command, in its own process. */
function installed(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: join(dir, cwd), encoding: "utf8" });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

// The repository as it is: the manifest, the specs and packages it names, and a new package
// with the same scripts as every generated package, not yet in the manifest.
for (const entry of readManifest(repoRoot)) {
  copy(entry.spec);
  copy(`${entry.package}/package.json`);
  // An XML spec comes with the schema documents it names by schemaLocation.
  if (entry.kind === "openapi") continue;
  const read = async (path: string) => readFileSync(join(repoRoot, path), "utf8");
  const text = readFileSync(join(repoRoot, entry.spec), "utf8");
  for (const file of (await referencedSchemaTexts(entry.spec, text, read)).keys()) {
    copy(file.slice(1));
  }
}
copy(MANIFEST_PATH);
write(".changeset/config.json", "{}\n");
write(
  "packages/widget/package.json",
  JSON.stringify({
    name: "@t/widget",
    version: "1.0.0",
    scripts: {
      generate: "trustspec-codegen generate",
      "generate:check": "trustspec-codegen generate --check",
    },
  }),
);
write("specs/widget/openapi.yaml", readFileSync(fixture, "utf8"));
git("init", "-q");
git("add", "-A");
git("commit", "-qm", "a package without its spec entry");

const out = join(dir, "packages/widget/src/generated");
const entry = [
  "",
  "- package: packages/widget",
  "  spec: specs/widget/openapi.yaml",
  "  kind: openapi",
  "  name: Widget",
  "  out: src/generated",
  "",
].join("\n");

describe("adding a spec to the manifest", { timeout: 60_000 }, () => {
  it("before its entry, the package's generate script says what is missing", async () => {
    const r = await codegen("packages/widget", "generate");
    expect(r.status).toBe(1);
    expect(r.err).toContain("specs/codegen.yaml has no entry for packages/widget");
    expect(existsSync(out)).toBe(false);
  });

  it("with its entry (the only change), the package's generate script generates it", async () => {
    appendFileSync(join(dir, MANIFEST_PATH), entry);
    const r = installed("packages/widget", "generate");
    expect(r.err).toBe("");
    expect(r.status).toBe(0);
    expect(r.out).toMatch(
      /^packages\/widget\/src\/generated: \d+ written, 0 removed, 0 unchanged\n$/,
    );
    const expected = generateFiles(
      await readOpenApi(join(dir, "specs/widget/openapi.yaml"), {
        name: "Widget",
        source: "specs/widget/openapi.yaml",
      }),
    );
    expect(readdirSync(out).sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(readFileSync(join(out, name), "utf8"), name).toBe(text);
    }
    expect(readFileSync(join(out, "client.gen.ts"), "utf8")).toContain(
      "// Source: specs/widget/openapi.yaml",
    );
    expect(readFileSync(join(out, "client.gen.ts"), "utf8")).toContain("createWidgetClient");
  });

  it("is drift-checked: generate:check passes, then reports a hand edit of the output", async () => {
    const clean = await codegen("packages/widget", "generate", "--check");
    expect(clean.status).toBe(0);
    expect(clean.out).toMatch(
      /^packages\/widget\/src\/generated: up to date with specs\/widget\/openapi\.yaml \(\d+ files\)\n$/,
    );
    // From the repository root, --package names the package.
    const root = await codegen(".", "generate", "--check", "--package", "packages/widget");
    expect(root).toEqual(clean);

    appendFileSync(join(out, "types.gen.ts"), "// edited by hand\n");
    const edited = await codegen("packages/widget", "generate", "--check");
    expect(edited.status).toBe(1);
    expect(edited.err).toContain(
      "packages/widget/src/generated is out of date with specs/widget/openapi.yaml:\n  types.gen.ts (differs)",
    );
    expect((await codegen(".", "generate", "--check", "--package", "packages/widget")).status).toBe(
      1,
    );
    // Regenerating repairs it; --package picks the entry from anywhere in the repository.
    const again = await codegen(".", "generate", "--package", "packages/widget");
    expect(again.out).toContain("packages/widget/src/generated: 1 written");
    expect(
      (await codegen("packages/licence", "generate", "--check", "--package", "packages/widget"))
        .status,
    ).toBe(0);
  });

  it("a manifest named by --manifest is read instead, its paths from the repository root", async () => {
    write("elsewhere/codegen.yaml", readFileSync(join(repoRoot, MANIFEST_PATH), "utf8"));
    const without = await codegen(
      "packages/widget",
      "generate",
      "--check",
      "--manifest",
      "../../elsewhere/codegen.yaml",
    );
    expect(without.status).toBe(1);
    expect(without.err).toContain("elsewhere/codegen.yaml has no entry for packages/widget");
    appendFileSync(join(dir, "elsewhere/codegen.yaml"), entry);
    const withEntry = await codegen(
      ".",
      "generate",
      "--check",
      "--manifest",
      "elsewhere/codegen.yaml",
      "--package",
      "packages/widget",
    );
    expect(withEntry.status).toBe(0);
    rmSync(join(dir, "elsewhere"), { recursive: true });
  });

  it("an entry's validators must name schemas of its spec", async () => {
    write(
      "elsewhere/codegen.yaml",
      `${readFileSync(join(repoRoot, MANIFEST_PATH), "utf8")}${entry}  validators: [Format, Nope]\n`,
    );
    const r = await codegen(
      ".",
      "generate",
      "--check",
      "--manifest",
      "elsewhere/codegen.yaml",
      "--package",
      "packages/widget",
    );
    expect(r.status).toBe(1);
    expect(r.err).toBe(
      "specs/widget/openapi.yaml: the manifest's validators name Nope, which the spec does not define\n",
    );
    rmSync(join(dir, "elsewhere"), { recursive: true });
  });

  it("is release-checked: compat compares it with its release, baseline records it", async () => {
    git("add", "-A");
    git("commit", "-qm", "the widget spec, generated");
    const unreleased = await codegen(".", "compat");
    expect(unreleased.status).toBe(0);
    expect(unreleased.out).toContain("@t/widget: not released yet, nothing to compare");

    git("tag", "@t/widget@1.0.0");
    const released = await codegen(".", "compat");
    expect(released.status).toBe(0);
    expect(released.out).toContain(
      "@t/widget: compatible since @t/widget@1.0.0 (0 breaking, 0 compatible changes)",
    );

    // An answer's field changes type: a breaking change the release check refuses, and a spec
    // change the drift check reports until the package is regenerated.
    const spec = join(dir, "specs/widget/openapi.yaml");
    const text = readFileSync(spec, "utf8");
    const changed = text.replace("itemNo: { type: integer } }", "itemNo: { type: string } }");
    expect(changed).not.toBe(text);
    writeFileSync(spec, changed);
    const broken = await codegen(".", "compat");
    expect(broken.status).toBe(1);
    expect(broken.err).toContain(
      "@t/widget: BREAKING without a major changeset since @t/widget@1.0.0",
    );
    expect(broken.err).toMatch(/ {2}specs\/widget\/openapi\.yaml: getItem 200\/itemNo: /);
    expect((await codegen("packages/widget", "generate", "--check")).status).toBe(1);

    write(".changeset/widget.md", '---\n"@t/widget": major\n---\n\nitemNo is a string.\n');
    expect((await codegen(".", "compat")).status).toBe(0);

    const baseline = await codegen(".", "baseline");
    expect(baseline.status).toBe(0);
    expect(baseline.out).toContain(
      "release-baseline/@t/widget@1.0.0: written from the current specs",
    );
    expect(
      readFileSync(join(dir, "release-baseline/@t/widget@1.0.0/specs/widget/openapi.yaml"), "utf8"),
    ).toBe(changed);
  });
});
