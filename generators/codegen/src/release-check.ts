/**
 * The release rule for generated clients: a spec change that breaks compatibility with the last
 * published version of a package needs a `major` changeset for that package.
 *
 * For every published package (`packages/*` without `"private": true`) the specs it is generated
 * from are its entries in the codegen manifest (`specs/codegen.yaml`, {@link readManifest}).
 * The baseline is the package's last release: its newest release tag, `<name>@<version>` as
 * `changeset publish` writes it, or its committed release baseline,
 * `release-baseline/<name>@<version>/` holding copies of the spec inputs at their repository
 * paths as they were released ({@link writeReleaseBaselines}), which travels with the branch
 * where tags may not. The newer version wins; a tag wins over a baseline of the same version. A
 * package with neither has not been released and has nothing to break. Each spec as it was
 * released is compared with the spec in the working tree ({@link compareApis}). Breaking changes
 * pass when a pending changeset (`.changeset/*.md`) bumps the package `major`, or when the
 * package's version already has a higher major than the release.
 */

import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { type CompatChange, compareApis } from "./compat.js";
import { openApiToModel } from "./input/openapi.js";
import { wsdlToModel } from "./input/wsdl.js";
import { referencedSchemaTexts, xsdToModel } from "./input/xsd.js";
import { entriesOf, readManifest, type SpecKind } from "./manifest.js";
import { parseYaml } from "./yaml.js";

const run = promisify(execFile);

/** What the check found for one package. */
export interface PackageCompat {
  name: string;
  /**
   * The release compared against: its tag (`@scope/name@1.2.0`) or its committed baseline
   * (`release-baseline/@scope/name@1.2.0`); undefined when the package was never released.
   */
  baseline?: string;
  /** The package is generated from no spec: nothing to compare. */
  noSpecs?: true;
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
}

/**
 * A spec's text as the internal model, by its kind. An XML spec's `schemaLocation` documents are
 * read with `read` (as released, or as they are now).
 */
async function toModel(
  kind: SpecKind,
  text: string,
  options: { name: string; source: string },
  read: (path: string) => Promise<string | undefined>,
) {
  if (kind === "wsdl" || kind === "xsd") {
    const texts = await referencedSchemaTexts(options.source, text, read);
    const xml = {
      ...options,
      file: `/${options.source}`,
      readText: (file: string) => texts.get(file) ?? "",
    };
    return kind === "wsdl" ? wsdlToModel(text, xml) : xsdToModel(text, xml);
  }
  return openApiToModel(parseYaml(text, options.source) as Record<string, unknown>, options);
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

/** The folder of committed release baselines, relative to the repository root. */
export const BASELINE_DIR = "release-baseline";

/** A package's baseline folder for a version, relative to the repository root. */
export function baselineDir(name: string, version: string): string {
  return `${BASELINE_DIR}/${name}@${version}`;
}

/** The versions of a package's committed baselines. */
async function baselineVersions(repo: string, name: string): Promise<string[]> {
  // `@scope/name@1.0.0` lives at `release-baseline/@scope/name@1.0.0/`.
  const parent = join(repo, BASELINE_DIR, dirname(name));
  const prefix = `${basename(name)}@`;
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
    .map((e) => e.name.slice(prefix.length))
    .filter((v) => /^\d+\.\d+\.\d+/.test(v));
}

/** The last release of a package: a label, its version, and how to read a file as released. */
interface Release {
  label: string;
  version: string;
  read: (path: string) => Promise<string | undefined>;
}

async function lastRelease(repo: string, name: string): Promise<Release | undefined> {
  const tag = await latestTag(repo, name);
  const committed = (await baselineVersions(repo, name))
    .sort((a, b) => compareVersions(a, b))
    .at(-1);
  const tagged = tag?.slice(name.length + 1);
  if (tag && tagged && (!committed || compareVersions(tagged, committed) >= 0)) {
    return { label: tag, version: tagged, read: (path) => fileAt(repo, tag, path) };
  }
  if (!committed) return undefined;
  const dir = baselineDir(name, committed);
  return {
    label: dir,
    version: committed,
    read: (path) => readFile(join(repo, dir, path), "utf8").catch(() => undefined),
  };
}

/** A published package of the repository with the specs it is generated from. */
interface PublishedPackage {
  pkg: PackageJson;
  /** The specs as repository paths. */
  specs: { kind: SpecKind; path: string; name: string }[];
}

/**
 * Every package under `packages/` without `"private": true`, by folder name, with its entries in
 * the manifest (`manifest`: another manifest file than the repository's).
 */
async function publishedPackages(repo: string, manifest?: string): Promise<PublishedPackage[]> {
  const entries = readManifest(repo, manifest);
  const out: PublishedPackage[] = [];
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
    const specs = entriesOf(entries, `packages/${dir}`).map(({ kind, spec, name }) => ({
      kind,
      path: spec,
      name,
    }));
    out.push({ pkg, specs });
  }
  return out;
}

/**
 * Runs the check over the repository at `repo` (its root); `manifest`: another codegen manifest
 * file than the repository's `specs/codegen.yaml`, its paths relative to `repo`.
 */
export async function checkReleases(repo: string, manifest?: string): Promise<PackageCompat[]> {
  // Loaded here, not with the module: the generator's other commands do not need it.
  const { default: readChangesets } = await import("@changesets/read");
  const changesets = await readChangesets(repo);
  const majors = new Set(
    changesets.flatMap((c) => c.releases.filter((r) => r.type === "major").map((r) => r.name)),
  );
  const results: PackageCompat[] = [];
  for (const { pkg, specs } of await publishedPackages(repo, manifest)) {
    const result: PackageCompat = { name: pkg.name, specs: [], major: false, ok: true };
    results.push(result);
    if (specs.length === 0) {
      result.noSpecs = true;
      continue;
    }
    const release = await lastRelease(repo, pkg.name);
    if (!release) continue;
    result.baseline = release.label;
    const released = release.version;
    result.major =
      majors.has(pkg.name) || Number(pkg.version.split(".")[0]) > Number(released.split(".")[0]);
    for (const { kind, path, name } of specs) {
      const before = await release.read(path);
      const now = await readFile(join(repo, path), "utf8");
      if (before === undefined) {
        result.specs.push({ spec: path, changes: [] });
        continue;
      }
      const options = { name, source: path };
      const current = (p: string) => readFile(join(repo, p), "utf8").catch(() => undefined);
      const changes = compareApis(
        await toModel(kind, before, options, release.read),
        await toModel(kind, now, options, current),
      );
      result.specs.push({ spec: path, changes });
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
    if (r.noSpecs) {
      lines.push(`${r.name}: generated from no spec, nothing to compare`);
      continue;
    }
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

/** What {@link writeReleaseBaselines} did for one package. */
export interface BaselineWrite {
  name: string;
  /** The baseline folder, relative to the repository root. */
  baseline: string;
  /** `written`: made from the specs now; `kept`: this version's baseline existed already. */
  action: "written" | "kept";
  /** Older baselines of the package that were removed. */
  removed: string[];
}

/**
 * Records the release about to be published: for every published package generated from specs,
 * copies its spec inputs, as they are in the working tree, to
 * `release-baseline/<name>@<version>/<repository path>` and removes the package's baselines of
 * other versions. A version's baseline is written once: when it exists it is kept as it is, so a
 * package released again without a new version keeps the contract it was released with.
 * `manifest`: as for {@link checkReleases}.
 */
export async function writeReleaseBaselines(
  repo: string,
  manifest?: string,
): Promise<BaselineWrite[]> {
  const out: BaselineWrite[] = [];
  for (const { pkg, specs } of await publishedPackages(repo, manifest)) {
    if (specs.length === 0) continue;
    const baseline = baselineDir(pkg.name, pkg.version);
    const versions = await baselineVersions(repo, pkg.name);
    const action = versions.includes(pkg.version) ? "kept" : "written";
    if (action === "written") {
      for (const { kind, path } of specs) {
        // An XML spec is recorded with the schema documents it names by schemaLocation.
        const text = await readFile(join(repo, path), "utf8");
        const current = (p: string) => readFile(join(repo, p), "utf8").catch(() => undefined);
        const referenced =
          kind === "openapi" ? [] : [...(await referencedSchemaTexts(path, text, current)).keys()];
        for (const file of [path, ...referenced.map((f) => f.slice(1))]) {
          const target = join(repo, baseline, file);
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, await readFile(join(repo, file)));
        }
      }
    }
    const removed = versions
      .filter((v) => v !== pkg.version)
      .map((v) => baselineDir(pkg.name, v))
      .sort();
    for (const dir of removed) await rm(join(repo, dir), { recursive: true, force: true });
    out.push({ name: pkg.name, baseline, action, removed });
  }
  return out;
}

/** {@link writeReleaseBaselines}' report, a line per package. */
export function formatBaselineWrites(writes: BaselineWrite[]): string {
  return writes
    .map((w) => {
      const what = w.action === "written" ? "written from the current specs" : "kept";
      const removed = w.removed.length > 0 ? `; removed ${w.removed.join(", ")}` : "";
      return `${w.baseline}: ${what}${removed}`;
    })
    .join("\n");
}
