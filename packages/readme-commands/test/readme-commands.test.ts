/**
 * Every command the repository's README prints works as printed, inside the repository, and none
 * of them reaches the npm registry.
 *
 * The commands are read from README.md itself, so a command added there is tested here without a
 * change to this file: every line of a ```sh block (comments dropped, `a && b` taken as two
 * commands) and every inline code span that starts like a command (`npx …`, `pnpm …`, or
 * `NAME=value` before either), which covers the Development table and the prose.
 *
 * Every command must run pnpm through npx at the version the root package.json pins
 * (`npx -y pnpm@<version>`): a bare `pnpm` is not installed on a fresh machine, and `npx <other>`
 * asks the registry for a package of that name when nothing local has it. The commands run with
 * the registry out of reach (`npm_config_registry` pointing at a closed local port and
 * `npm_config_offline=true`), so a lookup fails the command and the test; pnpm itself then comes
 * from the repository's own install (a root devDependency) or npx's cache, as after the README's
 * install command. What each kind of command is checked for:
 *
 * - `install`: the set-up command, run before this suite can run at all (CI's `.ci/run` runs it
 *   first); it is not run again here, which would rewrite `node_modules` under the other tests.
 *   Checked: pnpm starts offline at the pinned version.
 * - `trustspec-mock <api> …` (the root script that runs the emulators' command line): started with
 *   the printed arguments; the test waits for `listening on` on stdout, checks that the files its
 *   `--…-out` flags name were written, and stops it with SIGTERM. A printed port that is taken on
 *   this machine is replaced with `--port 0` (said in the test's output); nothing else is
 *   changed. Commands run in the README's order where it matters: one waits for the earlier
 *   commands on the same port, and for those that write a file it reads (`--ca-cert-out ca.pem`
 *   before `--trusted-cert ca.pem`), to stop; the rest run side by side. `--help` commands run
 *   to their end and must exit 0 with a usage text.
 * - any other script (`run main`, `test`, `bench`, `generate`, a `--filter <package> …` script):
 *   the long jobs (the main job, this very suite, the benchmarks) are not run from inside the
 *   suite. Checked instead that the command resolves locally: pnpm, offline, lists the script
 *   for the package it runs in (the root, or the one package the filter names). A `<package>`
 *   filter needs some workspace package with the script.
 * - a pattern the prose shows (`npx -y pnpm@<version> <script>`, `… trustspec-mock <api> …`):
 *   only its form is checked, the pinned launcher.
 *
 * The commands run from a scratch directory under the repository's `.tmp/` (ignored by git):
 * pnpm finds the root package from there as it does from the root, and the files the emulators
 * write (`emulator.pem`, `ca.pem`) land in that directory, which is removed afterwards. The test
 * reads the working tree (README, scripts, every package's sources), so turbo never replays it
 * from its cache (`turbo.json`). Waits are generous and nothing is timed: it runs beside the
 * rest of the suite on busy machines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  packageManager: string;
};
const pnpmSpec = rootPackage.packageManager; // pnpm@<version>
const pnpmVersion = pnpmSpec.replace(/^pnpm@/, "");
const launcher = ["npx", "-y", pnpmSpec];
/** The root script that runs the emulators' command line. */
const emulatorScript = "trustspec-mock";

/** The registry out of reach: any lookup fails at once instead of fetching. */
const offlineEnv: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("VITEST")) delete env[name];
  return { ...env, npm_config_registry: "http://127.0.0.1:9/", npm_config_offline: "true" };
})();
const registryTrace =
  /ENOTCACHED|only-if-cached|127\.0\.0\.1:9\b|ERR_PNPM_META_FETCH|ERR_PNPM_NO_OFFLINE/;

mkdirSync(join(root, ".tmp"), { recursive: true });
const scratch = mkdtempSync(join(root, ".tmp", "readme-commands-"));

// ---------------------------------------------------------------------------------------------
// Reading the commands

interface Command {
  /** As printed (one of the `&&` parts). */
  text: string;
  /** Where: `sh block, line N` or `inline, line N`. */
  where: string;
  env: Record<string, string>;
  argv: string[];
}

function lineOf(offset: number): number {
  return readme.slice(0, offset).split("\n").length;
}

function parse(text: string, where: string): Command {
  const env: Record<string, string> = {};
  const words = text.split(/\s+/).filter(Boolean);
  while (words[0] && /^[A-Z_][A-Z0-9_]*=\S*$/.test(words[0])) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  return { text, where, env, argv: words };
}

function readmeCommands(): Command[] {
  const commands: Command[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  for (const block of readme.matchAll(fence)) {
    if (block[1]!.trim() !== "sh") continue;
    const first = lineOf(block.index) + 1;
    block[2]!.split("\n").forEach((line, i) => {
      const code = line.replace(/(^|\s)#.*$/, "").trim();
      if (!code) return;
      for (const part of code.split(/\s+&&\s+/)) {
        commands.push(parse(part.trim(), `sh block, line ${first + i}`));
      }
    });
  }
  // Inline spans outside fenced blocks (blanked, not removed, so line numbers still hold).
  const prose = readme.replace(fence, (block) => block.replace(/[^\n]/g, " "));
  for (const span of prose.matchAll(/`([^`]+)`/g)) {
    const text = span[1]!.replace(/\s+/g, " ").trim();
    if (/^([A-Z_][A-Z0-9_]*=\S*\s+)*(npx|pnpm)(\s|$)/.test(text)) {
      commands.push(parse(text, `inline, line ${lineOf(span.index)}`));
    }
  }
  return commands;
}

interface Pnpm {
  /** `--filter` values. */
  filters: string[];
  /** pnpm's command word (`install`, `run`, `test`, or a script name). */
  verb: string;
  rest: string[];
}

/** The pnpm part of a command; throws when the command does not start pnpm the pinned way. */
function pnpmPart(c: Command): Pnpm {
  if (c.argv[0] === "pnpm") {
    throw new Error(
      `${c.where}: \`${c.text}\` runs a bare pnpm; print \`${launcher.join(" ")} …\``,
    );
  }
  if (c.argv.slice(0, 3).join(" ") !== launcher.join(" ")) {
    throw new Error(
      `${c.where}: \`${c.text}\` is not run through \`${launcher.join(" ")}\` (npx would look a package up in the registry)`,
    );
  }
  if (/["'`$|<>;()\\]/.test(c.argv.join(" ").replace(/<[a-z-]+>/g, ""))) {
    throw new Error(`${c.where}: \`${c.text}\` uses shell syntax this test does not run`);
  }
  const args = c.argv.slice(3);
  const filters: string[] = [];
  while (args[0] === "--filter" || args[0] === "-F") {
    args.shift();
    const value = args.shift();
    if (!value) throw new Error(`${c.where}: \`${c.text}\`: --filter without a value`);
    filters.push(value);
  }
  const verb = args.shift();
  if (!verb || verb.startsWith("-")) {
    throw new Error(`${c.where}: \`${c.text}\`: this test does not know pnpm's option ${verb}`);
  }
  if (verb === "dlx" || verb === "create") {
    throw new Error(`${c.where}: \`${c.text}\`: pnpm ${verb} fetches a package from the registry`);
  }
  if (verb === "exec") {
    throw new Error(`${c.where}: \`${c.text}\`: this test does not run \`pnpm exec\` commands yet`);
  }
  return { filters, verb, rest: args };
}

const commands = readmeCommands();

// ---------------------------------------------------------------------------------------------
// Running them

const live = new Set<Run>();

interface Run {
  child: ChildProcess;
  out: string[];
  err: string[];
  exited: Promise<number | null>;
}

/** Starts argv (from the scratch directory, registry out of reach) in its own process group. */
function start(argv: string[], env: Record<string, string> = {}): Run {
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: scratch,
    env: { ...offlineEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: npx → pnpm → sh → node stop together
  });
  const out: string[] = [];
  const err: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => out.push(l));
  createInterface({ input: child.stderr! }).on("line", (l) => err.push(l));
  const exited = new Promise<number | null>((done) => {
    child.once("error", (e) => {
      err.push(String(e));
      live.delete(run);
      done(null);
    });
    child.once("close", (code) => {
      live.delete(run);
      done(code);
    });
  });
  const run: Run = { child, out, err, exited };
  live.add(run);
  return run;
}

/** Signals the process group a run started (only that group). */
function signal(run: Run, name: NodeJS.Signals): void {
  if (run.child.pid === undefined || run.child.exitCode !== null) return;
  try {
    process.kill(-run.child.pid, name);
  } catch {
    // already gone
  }
}

async function stop(run: Run): Promise<void> {
  signal(run, "SIGTERM");
  const timer = setTimeout(() => signal(run, "SIGKILL"), 30_000);
  await run.exited;
  clearTimeout(timer);
}

function output(run: Run): string {
  return [...run.out, ...run.err].join("\n");
}

function failOnRegistry(c: Command, run: Run): void {
  const trace = [...run.out, ...run.err].find((l) => registryTrace.test(l));
  if (trace) throw new Error(`${c.where}: \`${c.text}\` tried the registry: ${trace}`);
}

/** Runs argv to its end; resolves to the run after it has exited. */
async function complete(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const run = start(argv, env);
  const timer = setTimeout(() => signal(run, "SIGKILL"), 180_000);
  await run.exited;
  clearTimeout(timer);
  return run;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

const helpTexts = new Map<string, Promise<string>>();
/** The emulator's own `--help` (the same command form the README prints). */
function helpOf(api: string): Promise<string> {
  let text = helpTexts.get(api);
  if (!text) {
    text = complete([...launcher, emulatorScript, api, "--help"]).then((run) => run.out.join("\n"));
    helpTexts.set(api, text);
  }
  return text;
}

/** The port an emulator command asks for: `--port N`, else the API's default from its help. */
async function portOf(args: string[]): Promise<number | undefined> {
  const i = args.indexOf("--port");
  if (i >= 0) return Number(args[i + 1]);
  const m = /--port\b[^\n]*?default (\d+)/.exec(await helpOf(args[0]!));
  return m ? Number(m[1]) : undefined;
}

/** Files a command writes: the values of its `--…-out` flags. */
function filesOut(args: string[]): string[] {
  return args.flatMap((a, i) => (/^--[a-z-]+-out$/.test(a) && args[i + 1] ? [args[i + 1]!] : []));
}

async function runEmulator(c: Command, p: Pnpm): Promise<void> {
  let args = [...p.rest];
  const port = await portOf(args);
  if (port !== undefined && port !== 0 && !(await portIsFree(port))) {
    const i = args.indexOf("--port");
    args = i >= 0 ? args.with(i + 1, "0") : [...args, "--port", "0"];
    console.log(`port ${port} is taken here: \`${c.text}\` runs with --port 0`);
  }
  const run = start(
    [...launcher, ...p.filters.flatMap((f) => ["--filter", f]), p.verb, ...args],
    c.env,
  );
  try {
    const end = Date.now() + 150_000;
    while (!run.out.some((l) => /^listening on https?:\/\/\S+/.test(l))) {
      if (run.child.exitCode !== null || run.child.signalCode !== null || Date.now() > end) {
        await stop(run);
        failOnRegistry(c, run);
        throw new Error(`${c.where}: \`${c.text}\` did not start listening:\n${output(run)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const file of filesOut(args)) {
      expect(existsSync(resolve(scratch, file)), `${c.text} wrote ${file}`).toBe(true);
    }
  } finally {
    await stop(run);
  }
  failOnRegistry(c, run);
}

async function runHelp(c: Command, p: Pnpm): Promise<void> {
  const run = await complete(
    [...launcher, ...p.filters.flatMap((f) => ["--filter", f]), p.verb, ...p.rest],
    c.env,
  );
  failOnRegistry(c, run);
  expect(run.child.exitCode, `${c.text}:\n${output(run)}`).toBe(0);
  expect(run.out.join("\n")).toMatch(/Usage: trustspec-mock/);
}

// ---------------------------------------------------------------------------------------------
// Local resolution of the scripts that are not run here

const scriptLists = new Map<string, Promise<Set<string>>>();
/** The scripts pnpm (offline) lists for the root, or for the package a filter names. */
function scriptsOf(filter: string | undefined): Promise<Set<string>> {
  const key = filter ?? "";
  let list = scriptLists.get(key);
  if (!list) {
    list = complete([...launcher, ...(filter ? ["--filter", filter] : []), "run"]).then((run) => {
      if (run.child.exitCode !== 0) throw new Error(`pnpm run (${key || "root"}):\n${output(run)}`);
      if (run.out.some((l) => /No projects matched/.test(l))) {
        throw new Error(`--filter ${filter} matches no workspace package`);
      }
      return new Set(run.out.flatMap((l) => /^ {2}(\S+)$/.exec(l)?.[1] ?? []));
    });
    scriptLists.set(key, list);
  }
  return list;
}

/** Scripts of every workspace package (for a `<placeholder>` filter). */
function workspaceScripts(): Set<string> {
  const workspace = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const globs = [...workspace.matchAll(/^ {2}- "?([^"\n*]+)\/\*"?$/gm)].map((m) => m[1]!);
  const names = new Set<string>();
  for (const dir of globs) {
    for (const name of readdirSync(join(root, dir))) {
      const file = join(root, dir, name, "package.json");
      if (!existsSync(file)) continue;
      const { scripts = {} } = JSON.parse(readFileSync(file, "utf8")) as {
        scripts?: Record<string, string>;
      };
      for (const script of Object.keys(scripts)) names.add(script);
    }
  }
  return names;
}

async function checkResolves(c: Command, p: Pnpm): Promise<void> {
  const script = p.verb === "run" ? p.rest[0] : p.verb;
  if (!script) throw new Error(`${c.where}: \`${c.text}\`: pnpm run without a script`);
  if (p.filters.length > 1) throw new Error(`${c.where}: \`${c.text}\`: one --filter at most`);
  const filter = p.filters[0];
  if (filter && /^<[a-z-]+>$/.test(filter)) {
    expect(workspaceScripts(), `no workspace package has a "${script}" script`).toContain(script);
    return;
  }
  const scripts = await scriptsOf(filter);
  expect(
    scripts,
    `${c.where}: \`${c.text}\`: no script "${script}" in ${filter ?? "the root"}`,
  ).toContain(script);
}

// ---------------------------------------------------------------------------------------------

afterAll(async () => {
  await Promise.all([...live].map(stop));
  rmSync(scratch, { recursive: true, force: true });
});

describe("README commands", () => {
  test("the README prints commands, each running pnpm through npx at the pinned version", () => {
    expect(commands.length).toBeGreaterThan(10);
    const wrong = commands.flatMap((c) => {
      try {
        pnpmPart(c);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    expect(wrong).toEqual([]);
  });

  test(`pnpm starts with the registry out of reach (${launcher.join(" ")} --version)`, async () => {
    const run = await complete([...launcher, "--version"]);
    expect(output(run)).not.toMatch(registryTrace);
    expect(run.child.exitCode, output(run)).toBe(0);
    expect(run.out.at(-1)).toBe(pnpmVersion);
  }, 120_000);

  /** Settles when the command at that index has stopped (emulators only). */
  const stopped = new Map<number, Promise<void>>();
  const emulators: { index: number; port: () => Promise<number | undefined>; args: string[] }[] =
    [];

  for (const [index, c] of commands.entries()) {
    let p: Pnpm;
    try {
      p = pnpmPart(c);
    } catch {
      continue; // reported by the first test
    }
    // A `<placeholder>` filter is checked below; one in the command itself makes a pattern.
    if ([p.verb, ...p.rest].some((w) => /^<[a-z-]+>$/.test(w) || w === "…")) {
      test.concurrent(`a pattern, checked for its form only: ${c.text} (${c.where})`, () => {
        expect(c.argv.slice(0, 3)).toEqual(launcher);
      });
    } else if (p.verb === "install") {
      test.concurrent(`set-up command, run before the suite: ${c.text} (${c.where})`, () => {
        expect(p.filters).toEqual([]);
        expect(p.rest.every((a) => a === "--frozen-lockfile")).toBe(true);
      });
    } else if (p.verb === emulatorScript && p.filters.length === 0) {
      if (p.rest.includes("--help")) {
        test.concurrent(`runs to its end: ${c.text} (${c.where})`, () => runHelp(c, p), 200_000);
        continue;
      }
      const earlier = [...emulators];
      let asked: Promise<number | undefined> | undefined;
      const mine = {
        index,
        port: () => (asked ??= portOf(p.rest).catch(() => undefined)),
        args: p.rest,
      };
      emulators.push(mine);
      let settle!: () => void;
      stopped.set(index, new Promise<void>((r) => (settle = r)));
      test.concurrent(`starts and listens: ${c.text} (${c.where})`, async () => {
        try {
          const port = await mine.port();
          const reads = p.rest.filter((a) => !a.startsWith("-"));
          const waits: Promise<void>[] = [];
          for (const e of earlier) {
            const theirs = await e.port();
            const samePort = port === undefined || theirs === undefined || theirs === port;
            const feeds = filesOut(e.args).some((f) => reads.includes(f));
            if (samePort || feeds) waits.push(stopped.get(e.index)!);
          }
          await Promise.all(waits);
          await runEmulator(c, p);
        } finally {
          settle();
        }
      }, 400_000);
    } else {
      test.concurrent(
        `resolves locally, not run here: ${c.text} (${c.where})`,
        () => checkResolves(c, p),
        120_000,
      );
    }
  }
});
