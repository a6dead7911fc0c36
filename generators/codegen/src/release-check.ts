/**
 * The release rule for generated clients: a spec change that breaks compatibility with the last
 * published version of a package needs a `major` changeset for that package.
 *
 * For every published package (`packages/*` without `"private": true`) the specs it is generated
 * from are read off its `generate` script (`trustspec-codegen openapi|wsdl|xsd <spec> … --name
 * <Name>`).
 * The baseline is the package's newest release tag, `<name>@<version>` as `changeset publish`
 * writes it; a package with no tag has not been released and has nothing to break. Each spec as
 * it was at the tag is compared with the spec in the working tree ({@link compareApis}). Breaking
 * changes pass when a pending changeset (`.changeset/*.md`) bumps the package `major`, or when
 * the package's version already has a higher major than the tag.
 */

import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import readChangesets from "@changesets/read";
import { parse } from "yaml";
import { type CompatChange, compareApis } from "./compat.js";
import { openApiToModel } from "./input/openapi.js";
import { wsdlToModel, xsdToModel } from "./input/wsdl.js";

const run = promisify(execFile);

/** What the check found for one package. */
export interface PackageCompat {
  name: string;
  /** The release tag compared against, or undefined when the package was never released. */
  baseline?: string;
  /** Spec (repository path) → its differences from the baseline. */
  specs: { spec: string; changes: CompatChange[] }[];
  /** Whether a pending changeset or the version already makes the next release major. */
  major: boolean;
  /** Breaking changes without a major release: the check fails. */
  ok: boolean;
}

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  scripts?: Record<string, string>;
}

/** The kinds of spec the generator reads. */
export type SpecKind = "openapi" | "wsdl" | "xsd";

/** The `<openapi|wsdl|xsd> <spec> … --name <Name>` runs of a package's generate script. */
export function specsOf(script: string): { kind: SpecKind; spec: string; name: string }[] {
  const out: { kind: SpecKind; spec: string; name: string }[] = [];
  for (const part of script.split("&&")) {
    const words = part.trim().split(/\s+/);
    const at = words.findIndex((w) => w === "openapi" || w === "wsdl" || w === "xsd");
    const spec = at >= 0 ? words[at + 1] : undefined;
    const name = words[words.indexOf("--name") + 1];
    if (spec && words.includes("--name") && name) {
      out.push({ kind: words[at] as SpecKind, spec, name });
    }
  }
  return out;
}

/** A spec's text as the internal model, by its kind. */
function toModel(kind: SpecKind, text: string, options: { name: string; source: string }) {
  if (kind === "wsdl") return wsdlToModel(text, options);
  if (kind === "xsd") return xsdToModel(text, options);
  return openApiToModel(parse(text) as Record<string, unknown>, options);
}

/** Compares `a.b.c` versions; pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split("-")[0]!
      .split(".")
      .map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

async function git(repo: string, args: string[]): Promise<string> {
  return (await run("git", args, { cwd: repo, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

/** The newest `<name>@<version>` tag, or undefined. */
async function latestTag(repo: string, name: string): Promise<string | undefined> {
  const tags = (await git(repo, ["tag", "--list", `${name}@*`])).split("\n").filter(Boolean);
  const version = (t: string) => t.slice(name.length + 1);
  return tags
    .filter((t) => /^\d+\.\d+\.\d+/.test(version(t)))
    .sort((a, b) => compareVersions(version(a), version(b)))
    .at(-1);
}

/** The file at a tag, or undefined when it did not exist there. */
async function fileAt(repo: string, ref: string, path: string): Promise<string | undefined> {
  try {
    return await git(repo, ["show", `${ref}:${path}`]);
  } catch {
    return undefined;
  }
}

/** Runs the check over the repository at `repo` (its root). */
export async function checkReleases(repo: string): Promise<PackageCompat[]> {
  const changesets = await readChangesets(repo);
  const majors = new Set(
    changesets.flatMap((c) => c.releases.filter((r) => r.type === "major").map((r) => r.name)),
  );
  const results: PackageCompat[] = [];
  const dirs = (await readdir(join(repo, "packages"), { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const dir of dirs) {
    let pkg: PackageJson;
    try {
      pkg = JSON.parse(await readFile(join(repo, "packages", dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (pkg.private) continue;
    const specs = specsOf(pkg.scripts?.generate ?? "");
    const result: PackageCompat = { name: pkg.name, specs: [], major: false, ok: true };
    results.push(result);
    const tag = await latestTag(repo, pkg.name);
    if (!tag) continue;
    result.baseline = tag;
    const released = tag.slice(pkg.name.length + 1);
    result.major =
      majors.has(pkg.name) || Number(pkg.version.split(".")[0]) > Number(released.split(".")[0]);
    for (const { kind, spec, name } of specs) {
      // Spec paths in the script are relative to the package folder.
      const normalised = join("packages", dir, spec).split("\\").join("/");
      const before = await fileAt(repo, tag, normalised);
      const now = await readFile(join(repo, normalised), "utf8");
      if (before === undefined) {
        result.specs.push({ spec: normalised, changes: [] });
        continue;
      }
      const options = { name, source: normalised };
      const changes = compareApis(toModel(kind, before, options), toModel(kind, now, options));
      result.specs.push({ spec: normalised, changes });
    }
    const breaks = result.specs.some((s) => s.changes.some((c) => c.kind === "breaking"));
    result.ok = !breaks || result.major;
  }
  return results;
}

/** The check's report, a line per package and one per breaking change. */
export function formatReleaseCheck(results: PackageCompat[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (!r.baseline) {
      lines.push(`${r.name}: not released yet, nothing to compare`);
      continue;
    }
    const breaking = r.specs.flatMap((s) =>
      s.changes.filter((c) => c.kind === "breaking").map((c) => ({ spec: s.spec, c })),
    );
    const compatible = r.specs.reduce(
      (n, s) => n + s.changes.filter((c) => c.kind === "compatible").length,
      0,
    );
    const verdict =
      breaking.length === 0
        ? "compatible"
        : r.major
          ? "breaking, released as a major version"
          : "BREAKING without a major changeset";
    lines.push(
      `${r.name}: ${verdict} since ${r.baseline} (${breaking.length} breaking, ${compatible} compatible changes)`,
    );
    for (const { spec, c } of breaking) lines.push(`  ${spec}: ${c.where}: ${c.what}`);
  }
  if (results.some((r) => !r.ok)) {
    lines.push(
      "",
      "A spec change breaks a released client: add a changeset with a `major` bump for the package (`pnpm changeset`), or make the change compatible.",
    );
  }
  return lines.join("\n");
}
