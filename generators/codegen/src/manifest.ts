/**
 * The codegen manifest, `specs/codegen.yaml`: the one place that says which package is generated
 * from which spec. One entry per spec:
 *
 * ```yaml
 * - package: packages/licence        # the package folder, from the repository root
 *   spec: specs/licence/openapi.yaml # the spec file, from the repository root
 *   kind: openapi                    # openapi (OpenAPI 3.1), wsdl (WSDL 1.1) or xsd (XML Schema)
 *   name: Licence                    # the TypeScript prefix of the API (createLicenceClient)
 *   out: src/generated               # where the files go: src/generated or a folder in it
 *   validators: [BackpostFile]       # optional: named schemas the package's own code checks
 * ```
 *
 * `trustspec-codegen generate` (each package's `generate` and `generate:check` script), the
 * release check (`trustspec-codegen compat`, `baseline`) and the turbo tasks read it.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseYaml } from "./yaml.js";

/** The manifest's place, relative to the repository root. */
export const MANIFEST_PATH = "specs/codegen.yaml";

/** The kinds of spec the generator reads. */
export type SpecKind = "openapi" | "wsdl" | "xsd";

const KINDS: readonly SpecKind[] = ["openapi", "wsdl", "xsd"];
const FIELDS = ["package", "spec", "kind", "name", "out"] as const;
/** Fields an entry may leave out. */
const OPTIONAL_FIELDS = ["validators"] as const;

/** One entry of the manifest: a spec and the package folder it is generated into. */
export interface CodegenEntry {
  /** The package folder, relative to the repository root (`packages/licence`). */
  package: string;
  /** The spec file, relative to the repository root (`specs/licence/openapi.yaml`). */
  spec: string;
  /** How the spec is read. */
  kind: SpecKind;
  /** The TypeScript prefix of the API (`Licence`: `createLicenceClient`). */
  name: string;
  /** The folder of the generated files, relative to the package folder (`src/generated`). */
  out: string;
  /**
   * Named schemas of the spec that the package's own code checks (`BackpostFile`): each gets a
   * compiled validator in `validators.gen.ts` (`validateBackpostFile`) besides those the
   * generated descriptors use.
   */
  validators?: string[];
}

/** A manifest that cannot be used; the message names the file, the entry and the field. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

/** A repository-relative path: forward slashes, no `.`/`..` step, not absolute. */
function isRelativePath(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || /^[A-Za-z]:/.test(path)) {
    return false;
  }
  return path.split("/").every((step) => step !== "" && step !== "." && step !== "..");
}

/**
 * Reads the manifest's text: a YAML list of entries, each with exactly the fields of
 * {@link CodegenEntry}. Throws a {@link ManifestError} naming `file`, the entry and the field
 * for the first problem found.
 */
export function parseManifest(text: string, file = MANIFEST_PATH): CodegenEntry[] {
  let data: unknown;
  try {
    data = parseYaml(text, file);
  } catch (error) {
    throw new ManifestError(`${file}: not YAML: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) {
    throw new ManifestError(`${file}: expected a list of entries (- package: …, spec: …)`);
  }
  const entries: CodegenEntry[] = [];
  data.forEach((item: unknown, i) => {
    const where = (what?: string) => {
      const pkg =
        item &&
        typeof item === "object" &&
        typeof (item as { package?: unknown }).package === "string"
          ? ` (${(item as { package: string }).package})`
          : "";
      return `${file}: entry ${i + 1}${pkg}${what ? `: ${what}` : ""}`;
    };
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      throw new ManifestError(where(`expected a mapping with the fields ${FIELDS.join(", ")}`));
    }
    const record = item as Record<string, unknown>;
    const known: readonly string[] = [...FIELDS, ...OPTIONAL_FIELDS];
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        throw new ManifestError(where(`unknown field "${key}" (fields: ${known.join(", ")})`));
      }
    }
    const validators = record.validators;
    if (
      validators !== undefined &&
      (!Array.isArray(validators) ||
        validators.length === 0 ||
        validators.some((v) => typeof v !== "string" || !/^[A-Za-z_][\w.-]*$/.test(v)))
    ) {
      throw new ManifestError(
        where(`"validators" must be a list of schema names (validators: [BackpostFile])`),
      );
    }
    for (const key of FIELDS) {
      if (typeof record[key] !== "string" || record[key] === "") {
        throw new ManifestError(where(`"${key}" is missing or not a string`));
      }
    }
    const entry = record as unknown as CodegenEntry;
    for (const key of ["package", "spec", "out"] as const) {
      if (!isRelativePath(entry[key])) {
        throw new ManifestError(
          where(`"${key}" must be a relative path with forward slashes and no "." or ".." step`),
        );
      }
    }
    if (!KINDS.includes(entry.kind)) {
      throw new ManifestError(
        where(`"kind" must be one of ${KINDS.join(", ")}, not "${entry.kind}"`),
      );
    }
    if (!/^[A-Z][A-Za-z0-9]*$/.test(entry.name)) {
      throw new ManifestError(
        where(
          `"name" must be a PascalCase TypeScript name (Licence, DssSign), not "${entry.name}"`,
        ),
      );
    }
    if (entry.out !== "src/generated" && !entry.out.startsWith("src/generated/")) {
      throw new ManifestError(
        where(`"out" must be src/generated or a folder inside it, not "${entry.out}"`),
      );
    }
    for (const other of entries.filter((e) => e.package === entry.package)) {
      if (other.out === entry.out) {
        throw new ManifestError(where(`"out" ${entry.out} is already the output of ${other.spec}`));
      }
      if (other.name === entry.name) {
        throw new ManifestError(where(`"name" ${entry.name} is already used for ${other.spec}`));
      }
    }
    entries.push({
      package: entry.package,
      spec: entry.spec,
      kind: entry.kind,
      name: entry.name,
      out: entry.out,
      ...(entry.validators ? { validators: [...entry.validators] } : {}),
    });
  });
  return entries;
}

/**
 * Reads and checks the manifest of the repository at `repo` (`manifest`: another manifest file,
 * whose paths are still relative to `repo`). Besides {@link parseManifest}'s checks, every
 * entry's package folder must hold a package.json and its spec must exist.
 */
export function readManifest(repo: string, manifest = join(repo, MANIFEST_PATH)): CodegenEntry[] {
  let text: string;
  try {
    text = readFileSync(manifest, "utf8");
  } catch {
    throw new ManifestError(`${manifest}: the codegen manifest is missing`);
  }
  const entries = parseManifest(text, manifest);
  entries.forEach((entry, i) => {
    const where = `${manifest}: entry ${i + 1} (${entry.package})`;
    if (!existsSync(join(repo, entry.package, "package.json"))) {
      throw new ManifestError(`${where}: ${entry.package}/package.json does not exist`);
    }
    if (!existsSync(join(repo, entry.spec))) {
      throw new ManifestError(`${where}: the spec ${entry.spec} does not exist`);
    }
    const owner = specWorkspace(repo, entry.spec);
    if (owner) {
      const pkg = readJson(join(repo, entry.package, "package.json"));
      const deps = { ...pkg.dependencies, ...pkg.devDependencies };
      if (!(owner in deps)) {
        throw new ManifestError(
          `${where}: ${entry.spec} belongs to the workspace package ${owner}; list it in the devDependencies of ${entry.package}/package.json ("${owner}": "workspace:*") so that turbo emits the spec before generating from it`,
        );
      }
    }
  });
  return entries;
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/**
 * The name of the workspace package that holds a spec (the nearest package.json above it, below
 * the repository root), or undefined when the spec is a plain file of the repository.
 */
function specWorkspace(repo: string, spec: string): string | undefined {
  const steps = spec.split("/").slice(0, -1);
  for (let n = steps.length; n > 0; n--) {
    const file = join(repo, ...steps.slice(0, n), "package.json");
    if (existsSync(file)) return readJson(file).name;
  }
  return undefined;
}

/** The entries of one package folder (relative to the repository root), in manifest order. */
export function entriesOf(entries: CodegenEntry[], packageFolder: string): CodegenEntry[] {
  return entries.filter((e) => e.package === packageFolder);
}
