/**
 * The command line every emulator shares (`trustspec-mock <api> [--host …] [--port N] [options]`):
 * {@link emulatorCommand} builds one from a small description of an API's own options and how to
 * start its emulator, and does the rest the same way for every API: parsing, `--help`, `--host`
 * and `--port`, the `listening on <url>` line, serving until stopped, and one-line errors with
 * their exit codes. The pieces it is made of are exported for command lines of other shapes.
 */

import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { ConfigurationError } from "./errors.js";

/** What an emulator's command line gets from `trustspec-mock`: output lines and a stop signal. */
export interface MockIo {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
}

/** An emulator's command line: parses its own options, serves, and resolves to an exit code when stopped. */
export type MockCommand = (argv: string[], io: MockIo) => Promise<number>;

/**
 * The {@link MockIo} of this process: lines to standard output and standard error, stopped on
 * SIGINT or SIGTERM (listened for from when `stopped` is first read); each part can be replaced,
 * as a test does.
 */
export function processIo(io: Partial<MockIo> = {}): MockIo {
  let stopped = io.stopped;
  return {
    out: io.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: io.err ?? ((line) => process.stderr.write(`${line}\n`)),
    get stopped() {
      stopped ??= new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      return stopped;
    },
  };
}

/** One option of an emulator's command line: how it is parsed and its line in `--help`. */
export interface EmulatorOption {
  /** A flag (`boolean`) or an option with a value (`string`). */
  type: "string" | "boolean";
  /** Whether the option may be given more than once (its values are collected in an array). */
  multiple?: boolean;
  /** The value when the option is not given; `--help` names a string default. */
  default?: string | boolean;
  /** What the value is, shown after the option in `--help`, e.g. `<file>`. */
  value?: string;
  /** What the option does, one sentence for `--help` (wrapped to fit). */
  help: string;
}

/** The value of one {@link EmulatorOption} as parsed: boolean or string, an array when `multiple`. */
export type EmulatorOptionValue<O extends EmulatorOption> = O["type"] extends "boolean"
  ? O["multiple"] extends true
    ? boolean[]
    : boolean
  : O["multiple"] extends true
    ? string[]
    : string;

/** The parsed values of an API's options: those without a default may be missing. */
export type EmulatorOptionValues<O extends Record<string, EmulatorOption>> = {
  -readonly [K in keyof O]: O[K]["default"] extends string | boolean
    ? EmulatorOptionValue<O[K]>
    : EmulatorOptionValue<O[K]> | undefined;
};

/** A started emulator, as {@link EmulatorCommandSpec.start} returns it. */
export interface RunningEmulator {
  /** Printed first, as `listening on <url>`. */
  url: string;
  /** Printed after the listening line, e.g. where each service of the emulator answers. */
  lines?: readonly string[];
  /** Stops serving and frees what the emulator holds. */
  close(): Promise<void>;
}

/**
 * What is particular to one API's command line; {@link emulatorCommand} adds the rest. `--host`
 * (default 127.0.0.1), `--port` and `--help` are added to `options`.
 */
export interface EmulatorCommandSpec<O extends Record<string, EmulatorOption>, S> {
  /** The API's name on the command line: `trustspec-mock <api>`. */
  api: string;
  /** What the command runs: the paragraph under the usage line of `--help`. */
  about: string;
  /** The port served when `--port` is not given. */
  port: number;
  /** Why that port, said beside it in `--help` (e.g. "the WSDL's design-time port"). */
  portNote?: string;
  /** The API's own options, by long name, in the order `--help` lists them. */
  options: O;
  /** The paragraph after the options in `--help`. */
  notes?: string;
  /**
   * Turns the parsed options into what `start` needs, checking them. A {@link ConfigurationError}
   * (e.g. a file an option names that cannot be used) is printed as one line, any other error
   * with the usage; both exit 2.
   */
  configure(values: EmulatorOptionValues<O>): S | Promise<S>;
  /**
   * Starts the emulator on `host` and `port`; an error is printed as one line naming the fix (see
   * {@link describeStartError}) and exits 1. `io` is for what the emulator prints while it runs.
   */
  start(settings: S, where: { host: string; port: number }, io: MockIo): Promise<RunningEmulator>;
}

const LINE_WIDTH = 100;
/** Option labels longer than this stand on a line of their own above their text. */
const LABEL_WIDTH = 28;

/** The `--help` text of a command described by `spec`. */
export function emulatorHelp(
  spec: EmulatorCommandSpec<Record<string, EmulatorOption>, unknown>,
): string {
  const rows: [string, string][] = [
    ["--host <addr>", "address to listen on (default 127.0.0.1)"],
    [
      "--port <n>",
      `port (default ${spec.port}${spec.portNote ? `, ${spec.portNote}` : ""}; 0 picks a free one)`,
    ],
    ...Object.entries(spec.options).map(([name, o]): [string, string] => [
      o.type === "string" ? `--${name} ${o.value ?? "<value>"}` : `--${name}`,
      typeof o.default === "string" ? `${o.help} (default ${o.default})` : o.help,
    ]),
    ["--help", "this text"],
  ];
  const column = Math.max(...rows.map(([label]) => label.length).filter((n) => n <= LABEL_WIDTH));
  const indent = " ".repeat(column + 4);
  const lines = [`Usage: trustspec-mock ${spec.api} [options]`, "", spec.about];
  for (const [label, text] of rows) {
    const wrapped = wrap(text, LINE_WIDTH - indent.length);
    if (label.length > column) lines.push(`  ${label}`);
    else lines.push(`  ${label.padEnd(column)}  ${wrapped.shift() ?? ""}`);
    for (const rest of wrapped) lines.push(`${indent}${rest}`);
  }
  if (spec.notes) lines.push("", spec.notes);
  return lines.join("\n");
}

/** Splits text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * An emulator's command line from the description of its API: parses the options (an unknown
 * option or a missing value: the message and the usage, exit 2), answers `--help` (exit 0),
 * checks `--port` (exit 2), configures (exit 2 on a wrong option), starts (one line naming the
 * fix, exit 1), prints `listening on <url>` and the emulator's own lines, serves until `io.stopped`,
 * closes and resolves to 0.
 */
export function emulatorCommand<const O extends Record<string, EmulatorOption>, S>(
  spec: EmulatorCommandSpec<O, S>,
): MockCommand {
  const name = `trustspec-mock ${spec.api}`;
  const help = emulatorHelp(spec as EmulatorCommandSpec<Record<string, EmulatorOption>, unknown>);
  const options: Record<
    string,
    { type: "string" | "boolean"; multiple?: boolean; default?: string | boolean }
  > = {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: String(spec.port) },
  };
  for (const [option, o] of Object.entries(spec.options)) {
    options[option] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
    };
  }
  options.help = { type: "boolean", default: false };

  return async (argv, io) => {
    let values: Record<string, unknown>;
    try {
      values = parseArgs({ args: argv, options }).values;
    } catch (e) {
      io.err(`${name}: ${e instanceof Error ? e.message : e}\n\n${help}`);
      return 2;
    }
    if (values.help) {
      io.out(help);
      return 0;
    }
    const host = values.host as string;
    const port = parsePort(values.port as string);
    if (port === undefined) {
      io.err(`${name}: --port must be a number from 0 to 65535`);
      return 2;
    }
    let settings: S;
    try {
      settings = await spec.configure(values as EmulatorOptionValues<O>);
    } catch (e) {
      // A file an option names that cannot be used: one line; an option that is wrong: the usage too.
      if (e instanceof ConfigurationError) io.err(`${name}: ${e.message}`);
      else io.err(`${name}: ${e instanceof Error ? e.message : e}\n\n${help}`);
      return 2;
    }
    let running: RunningEmulator;
    try {
      running = await spec.start(settings, { host, port }, io);
    } catch (e) {
      // A busy port, an address that cannot be bound, a key file that holds no key: one line.
      io.err(`${name}: ${describeStartError(e, { host, port })}`);
      return 1;
    }
    io.out(`listening on ${running.url}`);
    for (const line of running.lines ?? []) io.out(line);
    await io.stopped;
    await running.close();
    return 0;
  };
}

/**
 * A `--port` value of an emulator's command line: digits only, 0 to 65535 (0 picks a free port),
 * or `undefined`. `Number()` alone would also take "", " 80", "0x50" and "1e3".
 */
export function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65535 ? port : undefined;
}

/**
 * Splits an option value `name:secret` (`login:password`, `id:secret`) at its first colon: the
 * name and what follows the colon, `undefined` without one. A value with nothing before the colon
 * is an error naming the option.
 */
export function splitAtColon(value: string, option: string): [string, string | undefined] {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === "") throw new Error(`${option} needs a name before the colon`);
  return [name, colon < 0 ? undefined : value.slice(colon + 1)];
}

/**
 * Reads the text file an emulator's command-line option names. A file that cannot be read is a
 * {@link ConfigurationError} with one line naming the option, the file and the fix, e.g.
 * `--signing-key "key.pem": the file does not exist (ENOENT); pass the path of an RSA private
 * key (PEM)`. `expected` says what the file should be, after "pass the path of".
 */
export async function readOptionFile(
  option: string,
  file: string,
  expected: string,
): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw optionFileError(option, file, "read", expected, e);
  }
}

/** {@link readOptionFile}, synchronous, for options read while the others are parsed. */
export function readOptionFileSync(option: string, file: string, expected: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw optionFileError(option, file, "read", expected, e);
  }
}

/**
 * Writes the file an emulator's command-line option names (e.g. a public key for the clients).
 * A file that cannot be written is a {@link ConfigurationError} naming the option, the file and
 * the fix.
 */
export async function writeOptionFile(option: string, file: string, data: string): Promise<void> {
  try {
    await writeFile(file, data);
  } catch (e) {
    throw optionFileError(option, file, "write", "a file in an existing directory", e);
  }
}

function optionFileError(
  option: string,
  file: string,
  access: "read" | "write",
  expected: string,
  cause: unknown,
): ConfigurationError {
  const code = systemCodeOf(cause);
  const why =
    code === "ENOENT"
      ? access === "read"
        ? "the file does not exist"
        : `the directory ${JSON.stringify(dirname(file))} does not exist`
      : code === "EACCES" || code === "EPERM"
        ? `permission denied: the file cannot be ${access === "read" ? "read" : "written"}`
        : code === "EISDIR"
          ? "it is a directory"
          : code === "ENOTDIR"
            ? "a part of the path is not a directory"
            : `the file cannot be ${access === "read" ? "read" : "written"}`;
  const detail = code ?? (cause instanceof Error ? cause.message.split("\n")[0] : String(cause));
  return new ConfigurationError(
    option,
    `${option} ${JSON.stringify(file)}: ${why} (${detail}); pass the path of ${expected}`,
    { cause },
  );
}

/**
 * One line for an emulator's command line that could not start: a {@link ConfigurationError}'s
 * message as it is; a port in use, a port that needs privileges, an address that is not local
 * or a host name that does not resolve named with the fix (`port 9099 on 127.0.0.1 is in use
 * (EADDRINUSE); stop what listens there, or pass --port 0 to pick a free one`); anything else
 * as the first line of its message.
 */
export function describeStartError(error: unknown, where: { host: string; port: number }): string {
  if (error instanceof ConfigurationError) return error.message;
  const code = systemCodeOf(error);
  const { host, port } = where;
  switch (code) {
    case "EADDRINUSE":
      return `port ${port} on ${host} is in use (EADDRINUSE); stop what listens there, or pass --port 0 to pick a free one`;
    case "EACCES":
    case "EPERM":
      return `port ${port} on ${host} may not be opened by this user (${code}); pass a port above 1023, or --port 0 to pick a free one`;
    case "EADDRNOTAVAIL":
      return `${host} is not an address of this machine (EADDRNOTAVAIL); pass --host 127.0.0.1 or another local address`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return `--host ${JSON.stringify(host)} does not resolve (${code}); pass an IP address such as 127.0.0.1`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!;
}

function systemCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
