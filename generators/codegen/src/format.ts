import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Biome } from "@biomejs/js-api/nodejs";

const require = createRequire(import.meta.url);

/** The repository's formatter settings (biome.json), which the generated code follows. */
const settings = {
  formatter: { enabled: true, indentStyle: "space" as const, indentWidth: 2, lineWidth: 100 },
  javascript: { formatter: { quoteStyle: "double" as const, semicolons: "always" as const } },
};

/**
 * Formats generated TypeScript files (contents keyed by file name) with the repository's
 * formatter settings, so the output is byte-identical on every machine. Biome's native command
 * line formats them all in one process when its binary for this platform is installed at the same
 * version as Biome's WebAssembly build; otherwise (or when the binary cannot run) the WebAssembly
 * build formats them in process. Both are the same formatter, so the bytes do not depend on which
 * one ran; the native one starts and formats an API's files in a tenth of the time.
 */
export function formatTypeScriptFiles(files: Map<string, string>): Map<string, string> {
  if (files.size === 0) return new Map();
  const binary = nativeBiome();
  if (binary !== undefined) {
    const formatted = formatWithNativeBiome(binary, files);
    if (formatted) return formatted;
  }
  return formatWithWasmBiome(files);
}

/** Formats one generated TypeScript file (see {@link formatTypeScriptFiles}). */
export function formatTypeScript(content: string, filePath: string): string {
  return formatTypeScriptFiles(new Map([[filePath, content]])).get(filePath)!;
}

/**
 * The path of Biome's native binary for this platform, when it is installed at the version of
 * the WebAssembly build; `TRUSTSPEC_CODEGEN_FORMATTER=wasm` chooses the WebAssembly build.
 */
export function nativeBiome(): string | undefined {
  if (process.env.TRUSTSPEC_CODEGEN_FORMATTER === "wasm") return undefined;
  try {
    const wasmVersion = packageVersion(require, "@biomejs/wasm-nodejs");
    const fromBiome = createRequire(require.resolve("@biomejs/biome/package.json"));
    const exe = process.platform === "win32" ? "biome.exe" : "biome";
    for (const libc of ["", "-musl"]) {
      const name = `@biomejs/cli-${process.platform}-${process.arch}${libc}`;
      try {
        if (packageVersion(fromBiome, name) === wasmVersion)
          return fromBiome.resolve(`${name}/${exe}`);
      } catch {
        // not installed for this platform or libc
      }
    }
  } catch {
    // @biomejs/biome is not installed
  }
  return undefined;
}

function packageVersion(req: NodeJS.Require, name: string): string {
  const path = req.resolve(`${name}/package.json`);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/**
 * Formats the files with Biome's command line, all in one run, in a temporary folder; `undefined`
 * when there is no temporary folder or the binary cannot be started. Code that does not parse is
 * an error.
 */
export function formatWithNativeBiome(
  binary: string,
  files: Map<string, string>,
): Map<string, string> | undefined {
  let dir: string;
  try {
    dir = mkdtempSync(join(tmpdir(), "trustspec-codegen-"));
  } catch {
    return undefined;
  }
  try {
    const config = join(dir, "trustspec-codegen.biome.json");
    // Files of any size are formatted (Biome skips those above files.maxSize otherwise).
    writeFileSync(config, JSON.stringify({ ...settings, files: { maxSize: 1024 ** 3 } }));
    const names = [...files.keys()];
    for (const [name, content] of files) {
      mkdirSync(dirname(join(dir, "src", name)), { recursive: true });
      writeFileSync(join(dir, "src", name), content);
    }
    try {
      execFileSync(
        binary,
        ["format", "--write", `--config-path=${config}`, "--colors=off", ...names],
        { cwd: join(dir, "src"), stdio: ["ignore", "pipe", "pipe"], env: biomeEnv() },
      );
    } catch (error) {
      const failure = error as { status?: number | null; stdout?: Buffer; stderr?: Buffer };
      if (typeof failure.status !== "number") return undefined; // could not run: use WebAssembly
      throw new Error(
        `generated code does not parse:\n${failure.stderr?.toString() ?? ""}${failure.stdout?.toString() ?? ""}`,
      );
    }
    return new Map(names.map((name) => [name, readFileSync(join(dir, "src", name), "utf8")]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment of the Biome run: no configuration or binary named from outside. */
function biomeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.BIOME_CONFIG_PATH;
  delete env.BIOME_BINARY;
  return env;
}

let biome: { instance: Biome; projectKey: number } | undefined;

/** Formats the files with Biome's WebAssembly build, in process (loaded on first use). */
export function formatWithWasmBiome(files: Map<string, string>): Map<string, string> {
  if (!biome) {
    const { Biome } = require("@biomejs/js-api/nodejs") as typeof import("@biomejs/js-api/nodejs");
    const instance = new Biome();
    const { projectKey } = instance.openProject(process.cwd());
    instance.applyConfiguration(projectKey, settings);
    biome = { instance, projectKey };
  }
  const out = new Map<string, string>();
  for (const [filePath, content] of files) {
    const result = biome.instance.formatContent(biome.projectKey, content, { filePath });
    const errors = result.diagnostics.filter(
      (d) => d.severity === "error" || d.severity === "fatal",
    );
    if (errors.length > 0) {
      throw new Error(
        `${filePath}: generated code does not parse: ${errors.map((d) => JSON.stringify(d.description)).join("; ")}`,
      );
    }
    out.set(filePath, result.content);
  }
  return out;
}
