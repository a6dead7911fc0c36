/**
 * `emulatorCommand`, the command line every emulator shares: what it prints and the exit code
 * it resolves to, from `--help` to a stop, for a small made-up API.
 */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { emulatorCommand, emulatorHelp, type MockIo, processIo, splitAtColon } from "../src/cli.js";
import { ConfigurationError } from "../src/errors.js";
import { createRouter, listen } from "../src/server.js";

const router = createRouter([], {}, { $id: "urn:test:cli", $defs: {} }, { formatError: (i) => i });

function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: MockIo = { out: (l) => out.push(l), err: (l) => err.push(l), stopped };
  return { out, err, io, stop: () => stop() };
}

const spec = {
  api: "demo",
  about: "Runs a demo.",
  port: 9999,
  options: {
    name: { type: "string", value: "<name>", default: "anna", help: "who is greeted" },
    tag: { type: "string", multiple: true, value: "<tag>", help: "a tag (repeatable)" },
    quiet: { type: "boolean", default: false, help: "print nothing but the listening line" },
    file: { type: "string", value: "<file>", help: "a file" },
  },
  notes: "Nothing else.",
} as const;

const started: { settings: unknown; where: unknown }[] = [];
const closed: string[] = [];
const demo = emulatorCommand({
  ...spec,
  configure(values) {
    // The parsed values are typed after the options: string, string[] | undefined, boolean.
    const name: string = values.name;
    const tags: string[] | undefined = values.tag;
    const quiet: boolean = values.quiet;
    if (name === "bad") throw new Error("--name must not be bad");
    if (values.file === "missing") throw new ConfigurationError("--file", "--file: no such file");
    return { name, tags: tags ?? [], quiet };
  },
  async start(settings, where) {
    started.push({ settings, where });
    const server = await listen(router, where);
    return {
      url: server.url,
      lines: settings.quiet ? [] : [`  greeting: ${settings.name}`],
      async close() {
        await server.close();
        closed.push(settings.name);
      },
    };
  },
});

describe("emulatorCommand", () => {
  it("--help: the usage with --host, --port (default), the API's options and --help; exit 0", async () => {
    const t = recorder();
    expect(await demo(["--help"], t.io)).toBe(0);
    expect(t.err).toEqual([]);
    expect(t.out).toEqual([
      [
        "Usage: trustspec-mock demo [options]",
        "",
        "Runs a demo.",
        "  --host <addr>  address to listen on (default 127.0.0.1)",
        "  --port <n>     port (default 9999; 0 picks a free one)",
        "  --name <name>  who is greeted (default anna)",
        "  --tag <tag>    a tag (repeatable)",
        "  --quiet        print nothing but the listening line",
        "  --file <file>  a file",
        "  --help         this text",
        "",
        "Nothing else.",
      ].join("\n"),
    ]);
  });

  it("serves: `listening on <url>` first, the emulator's lines, then closes when stopped; exit 0", async () => {
    const t = recorder();
    const done = demo(["--port", "0", "--name", "boris", "--tag", "a", "--tag", "b"], t.io);
    while (t.out.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(t.out[0]).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.out[1]).toBe("  greeting: boris");
    expect(started.at(-1)).toEqual({
      settings: { name: "boris", tags: ["a", "b"], quiet: false },
      where: { host: "127.0.0.1", port: 0 },
    });
    const url = t.out[0]!.slice("listening on ".length);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
    t.stop();
    expect(await done).toBe(0);
    expect(closed.at(-1)).toBe("boris");
    await expect(fetch(`${url}/nothing`)).rejects.toThrow();
  });

  it.each([
    [["--bogus"], /^trustspec-mock demo: .*--bogus[\s\S]*\n\nUsage: trustspec-mock demo/],
    [["--name"], /^trustspec-mock demo: .*--name[\s\S]*\n\nUsage: trustspec-mock demo/],
    [["--port", "http"], /^trustspec-mock demo: --port must be a number from 0 to 65535$/],
    [["--port", "0", "--name", "bad"], /^trustspec-mock demo: --name must not be bad\n\nUsage:/],
    [["--port", "0", "--file", "missing"], /^trustspec-mock demo: --file: no such file$/],
  ])("refuses %j with exit 2 and without starting", async (argv, message) => {
    const before = started.length;
    const t = recorder();
    expect(await demo(argv, t.io)).toBe(2);
    expect(t.out).toEqual([]);
    expect(t.err).toHaveLength(1);
    expect(t.err[0]).toMatch(message);
    expect(started.length).toBe(before);
  });

  it("a start that fails (a port in use): one line naming the fix, exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const t = recorder();
      expect(await demo(["--port", String(port)], t.io)).toBe(1);
      expect(t.out).toEqual([]);
      expect(t.err).toEqual([
        `trustspec-mock demo: port ${port} on 127.0.0.1 is in use (EADDRINUSE); stop what listens there, or pass --port 0 to pick a free one`,
      ]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe("emulatorHelp", () => {
  it("wraps long option texts and puts a long label on its own line", () => {
    const text = emulatorHelp({
      api: "wide",
      about: "About.",
      port: 1,
      portNote: "the vendor's port",
      options: {
        "a-very-long-option-name": { type: "string", value: "<login:password>", help: "short" },
        list: { type: "string", help: `one of ${Array(30).fill("VALUE").join(", ")}` },
      },
      configure: () => undefined,
      start: () => Promise.reject(new Error("not started")),
    });
    const lines = text.split("\n");
    expect(lines).toContain(
      "  --port <n>      port (default 1, the vendor's port; 0 picks a free one)",
    );
    const long = lines.indexOf("  --a-very-long-option-name <login:password>");
    expect(long).toBeGreaterThan(0);
    expect(lines[long + 1]).toBe(`${" ".repeat(18)}short`);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    const list = lines.findIndex((l) => l.startsWith("  --list <value>"));
    expect(lines[list + 1]).toMatch(/^ {18}VALUE, /);
  });
});

describe("splitAtColon", () => {
  it("splits at the first colon; the part after it is undefined without one", () => {
    expect(splitAtColon("anna:se:cret", "--user")).toEqual(["anna", "se:cret"]);
    expect(splitAtColon("anna:", "--user")).toEqual(["anna", ""]);
    expect(splitAtColon("anna", "--user")).toEqual(["anna", undefined]);
    expect(() => splitAtColon(":secret", "--user")).toThrow("--user needs a name before the colon");
  });
});

describe("processIo", () => {
  it("keeps what it is given and listens for signals only when `stopped` is read", () => {
    const lines: string[] = [];
    const before = process.listenerCount("SIGTERM");
    const io = processIo({ out: (l) => lines.push(l) });
    io.out("x");
    expect(lines).toEqual(["x"]);
    expect(process.listenerCount("SIGTERM")).toBe(before);
    void io.stopped;
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    expect(io.stopped).toBe(io.stopped);
    process.emit("SIGTERM");
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });
});
