import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  type CodegenEntry,
  entriesOf,
  MANIFEST_PATH,
  ManifestError,
  parseManifest,
  readManifest,
} from "../src/manifest.js";

/** The codegen manifest: its checks, and the repository's own manifest against the packages. */

const repoRoot = join(import.meta.dirname, "..", "..", "..");
const licence: CodegenEntry = {
  package: "packages/licence",
  spec: "specs/licence/openapi.yaml",
  kind: "openapi",
  name: "Licence",
  out: "src/generated",
};
const yaml = (entries: unknown) => stringify(entries);
const problem = (entries: unknown) => {
  try {
    parseManifest(typeof entries === "string" ? entries : yaml(entries), "m.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error("the manifest was accepted");
};

describe("parseManifest", () => {
  it("reads a list of entries", () => {
    const dss = { ...licence, package: "packages/dss", name: "DssSign", out: "src/generated/a" };
    const sts = {
      ...dss,
      spec: "specs/dss-sts/openapi.yaml",
      name: "DssSts",
      out: "src/generated/b",
    };
    const front = {
      ...licence,
      package: "packages/dss-frontend",
      name: "DssFrontend",
      validators: ["BackpostFile", "BackpostError"],
    };
    const entries = parseManifest(yaml([licence, dss, sts, front]));
    expect(entries).toEqual([licence, dss, sts, front]);
    expect(entriesOf(entries, "packages/dss")).toEqual([dss, sts]);
    expect(entriesOf(entries, "packages/none")).toEqual([]);
  });

  it("refuses a bad entry with a message that names the file, the entry and the field", () => {
    expect(problem("a: [")).toMatch(/^m\.yaml: not YAML: /);
    expect(problem({ package: "packages/licence" })).toBe(
      "m.yaml: expected a list of entries (- package: …, spec: …)",
    );
    expect(problem(["packages/licence"])).toBe(
      "m.yaml: entry 1: expected a mapping with the fields package, spec, kind, name, out",
    );
    expect(problem([licence, { ...licence, output: "x" }])).toBe(
      'm.yaml: entry 2 (packages/licence): unknown field "output" (fields: package, spec, kind, name, out, validators)',
    );
    for (const validators of ["BackpostFile", [], [1], ["Backpost File"]]) {
      expect(problem([{ ...licence, validators }])).toBe(
        'm.yaml: entry 1 (packages/licence): "validators" must be a list of schema names (validators: [BackpostFile])',
      );
    }
    const { name: _, ...nameless } = licence;
    expect(problem([nameless])).toBe(
      'm.yaml: entry 1 (packages/licence): "name" is missing or not a string',
    );
    expect(problem([{ ...licence, kind: "graphql" }])).toBe(
      'm.yaml: entry 1 (packages/licence): "kind" must be one of openapi, wsdl, xsd, not "graphql"',
    );
    expect(problem([{ ...licence, name: "licence-api" }])).toMatch(
      /entry 1 \(packages\/licence\): "name" must be a PascalCase TypeScript name/,
    );
    for (const spec of ["../specs/x.yaml", "/abs/x.yaml", "specs\\x.yaml", "specs/./x.yaml"]) {
      expect(problem([{ ...licence, spec }])).toMatch(/"spec" must be a relative path/);
    }
    expect(problem([{ ...licence, out: "src" }])).toBe(
      'm.yaml: entry 1 (packages/licence): "out" must be src/generated or a folder inside it, not "src"',
    );
    expect(problem([{ ...licence, out: "src/generated/../x" }])).toMatch(
      /"out" must be a relative/,
    );
    expect(problem([licence, { ...licence, spec: "specs/other.yaml", name: "Other" }])).toBe(
      'm.yaml: entry 2 (packages/licence): "out" src/generated is already the output of specs/licence/openapi.yaml',
    );
    expect(problem([licence, { ...licence, out: "src/generated/other" }])).toBe(
      'm.yaml: entry 2 (packages/licence): "name" Licence is already used for specs/licence/openapi.yaml',
    );
  });
});

describe("readManifest", () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function repo(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), "manifest-"));
    made.push(dir);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  it("checks that the package and the spec exist", () => {
    const dir = repo({ [MANIFEST_PATH]: yaml([licence]) });
    expect(() => readManifest(dir)).toThrow(
      `${join(dir, MANIFEST_PATH)}: entry 1 (packages/licence): packages/licence/package.json does not exist`,
    );
    writeFileSync(join(dir, MANIFEST_PATH), yaml([{ ...licence, package: "." }]));
    expect(() => readManifest(dir)).toThrow(/"package" must be a relative path/);
    const other = repo({ "m.yaml": yaml([licence]), "packages/licence/package.json": "{}" });
    expect(() => readManifest(other, join(other, "m.yaml"))).toThrow(
      `${join(other, "m.yaml")}: entry 1 (packages/licence): the spec specs/licence/openapi.yaml does not exist`,
    );
    expect(() => readManifest(other)).toThrow(/codegen\.yaml: the codegen manifest is missing/);
  });

  it("a spec a workspace emits needs that workspace among the package's dependencies", () => {
    const dir = repo({
      [MANIFEST_PATH]: yaml([licence]),
      "specs/licence/package.json": JSON.stringify({ name: "@t/spec-licence" }),
      "specs/licence/openapi.yaml": "openapi: 3.1.0\n",
      "packages/licence/package.json": JSON.stringify({ name: "@t/licence" }),
    });
    expect(() => readManifest(dir)).toThrow(
      /specs\/licence\/openapi\.yaml belongs to the workspace package @t\/spec-licence; list it in the devDependencies of packages\/licence\/package\.json/,
    );
    writeFileSync(
      join(dir, "packages/licence/package.json"),
      JSON.stringify({ name: "@t/licence", devDependencies: { "@t/spec-licence": "workspace:*" } }),
    );
    expect(readManifest(dir)).toEqual([licence]);
  });
});

describe("the repository's manifest", () => {
  const entries = readManifest(repoRoot);
  const scripts = (folder: string) =>
    (
      JSON.parse(readFileSync(join(repoRoot, folder, "package.json"), "utf8")) as {
        scripts?: Record<string, string>;
      }
    ).scripts ?? {};

  it("every package it names generates and checks from it, and names no spec in its scripts", () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const folder of new Set(entries.map((e) => e.package))) {
      expect(scripts(folder), folder).toMatchObject({
        generate: "trustspec-codegen generate",
        "generate:check": "trustspec-codegen generate --check",
      });
    }
  });

  it("every package that runs trustspec-codegen has entries in it", () => {
    const folders = readdirSync(join(repoRoot, "packages")).map((d) => `packages/${d}`);
    const users = folders.filter((f) => {
      try {
        return Object.values(scripts(f)).some((s) => s.includes("trustspec-codegen"));
      } catch {
        return false; // a folder without package.json
      }
    });
    expect(users.length).toBeGreaterThan(0);
    for (const folder of users) expect(entriesOf(entries, folder), folder).not.toEqual([]);
  });
});
