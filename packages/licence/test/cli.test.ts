/**
 * `runLicenceMock`, the command line of the emulator (`trustspec-mock licence`), with an injected
 * io: the listening line, the key options, credentials, demo data, help, bad options, and the
 * port being released once `stopped` resolves.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockIo } from "@trustspec-private/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { createQueryId, verifyLicenceSignature } from "../src/index.js";
import { runLicenceMock } from "../src/server.js";
import { basic, makeKeys } from "./support.js";

const work = mkdtempSync(join(tmpdir(), "licence-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Running {
  out: string[];
  err: string[];
  url: string;
  port: number;
  /** Resolves `stopped` and waits for the exit code. */
  stop(): Promise<number>;
}

/** Starts the command and waits for its first line; fails when it exits instead. */
async function start(argv: string[]): Promise<Running> {
  const t = mockIo();
  const done = runLicenceMock(argv, t.io);
  let exited: number | undefined;
  done.then((code) => {
    exited = code;
  });
  for (let i = 0; i < 3000 && t.out.length === 0 && exited === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (t.out.length === 0) {
    throw new Error(`the command did not start (exit ${exited}): ${t.err.join("\n")}`);
  }
  const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(t.out[0]!);
  if (!match) throw new Error(`unexpected first line: ${t.out[0]}`);
  return {
    out: t.out,
    err: t.err,
    url: match[1]!,
    port: Number(match[2]),
    stop: async () => {
      t.stop();
      return done;
    },
  };
}

/** Runs a command that is expected to exit by itself. */
async function run(argv: string[]) {
  const t = mockIo();
  const code = await runLicenceMock(argv, t.io);
  t.stop();
  return { code, out: t.out, err: t.err };
}

async function get(url: string, path: string, auth = basic("admin", "admin")) {
  const queryId = createQueryId();
  const res = await fetch(url + path, {
    headers: { authorization: auth, "licence-queryid": queryId },
  });
  const body = new Uint8Array(await res.arrayBuffer());
  return { res, body, queryId, json: () => JSON.parse(new TextDecoder().decode(body)) };
}

/** Whether something accepts TCP connections on the port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("runLicenceMock", () => {
  it("--port 0: first line `listening on http://127.0.0.1:<port>`; stops and frees the port", async () => {
    const running = await start(["--port", "0", "--empty"]);
    expect(running.out).toHaveLength(1);
    expect(running.port).toBeGreaterThan(0);
    expect(await portOpen(running.port)).toBe(true);
    const answer = await get(running.url, "/api/licences");
    expect(answer.res.status).toBe(200);
    expect(await running.stop()).toBe(0);
    expect(await portOpen(running.port)).toBe(false);
    await expect(fetch(`${running.url}/api`)).rejects.toThrow();
    expect(running.err).toEqual([]);
  });

  it("--empty starts without licences; the default has the three demo licences and a session", async () => {
    const empty = await start(["--port", "0", "--empty"]);
    const demo = await start(["--port", "0"]);
    try {
      expect((await get(empty.url, "/api/licences")).json()).toEqual({ Licences: [] });
      expect((await get(empty.url, "/api/sessions")).json()).toEqual({ Sessions: [] });
      const licences = (await get(demo.url, "/api/licences")).json() as {
        Licences: { KeyNo: number; Expired: boolean }[];
      };
      expect(licences.Licences.map((l) => l.KeyNo).sort()).toEqual([7131766, 7200417, 7312090]);
      expect(licences.Licences.find((l) => l.KeyNo === 7312090)?.Expired).toBe(true);
      expect(
        ((await get(demo.url, "/api/sessions")).json() as { Sessions: unknown[] }).Sessions,
      ).toHaveLength(1);
    } finally {
      await empty.stop();
      await demo.stop();
    }
  });

  it("--public-key-out writes the PEM that verifies the answers (and only those)", async () => {
    const file = join(work, "public.pem");
    const running = await start(["--port", "0", "--empty", "--public-key-out", file]);
    try {
      const pem = readFileSync(file, "utf8");
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
      const answer = await get(running.url, "/api");
      const check = (publicKey: string) =>
        verifyLicenceSignature({
          sentQueryId: answer.queryId,
          headers: answer.res.headers,
          body: answer.body,
          publicKey,
        });
      await expect(check(pem)).resolves.toBeUndefined();
      await expect(check(makeKeys().publicPem)).rejects.toThrow(/does not verify/);
    } finally {
      await running.stop();
    }
  });

  it("--signing-key signs with the given key: its public key verifies, errors included", async () => {
    const keys = makeKeys();
    const file = join(work, "signing.pem");
    writeFileSync(file, keys.privatePem);
    const out = join(work, "derived.pem");
    const running = await start(["--port", "0", "--signing-key", file, "--public-key-out", out]);
    try {
      expect(readFileSync(out, "utf8")).toBe(keys.publicPem);
      for (const [path, status] of [
        ["/api/licences/7131766", 200],
        ["/api/licences/1", 404],
      ] as const) {
        const answer = await get(running.url, path);
        expect(answer.res.status).toBe(status);
        await expect(
          verifyLicenceSignature({
            sentQueryId: answer.queryId,
            headers: answer.res.headers,
            body: answer.body,
            publicKey: keys.publicKey,
          }),
        ).resolves.toBeUndefined();
      }
    } finally {
      await running.stop();
    }
  });

  it("--user and --password change the accepted credentials", async () => {
    const running = await start([
      "--port",
      "0",
      "--empty",
      "--user",
      "operator",
      "--password",
      "s3cret",
    ]);
    try {
      expect((await get(running.url, "/api", basic("admin", "admin"))).res.status).toBe(401);
      expect((await get(running.url, "/api", basic("operator", "wrong"))).res.status).toBe(401);
      expect((await get(running.url, "/api", basic("operator", "s3cret"))).res.status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it("--help prints the usage and returns 0 without listening", async () => {
    const { code, out, err } = await run(["--help"]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^Usage: trustspec-mock licence \[options\]/);
    for (const option of [
      "--port",
      "--signing-key",
      "--public-key-out",
      "--user",
      "--password",
      "--empty",
    ]) {
      expect(out[0]).toContain(option);
    }
    expect(out[0]).not.toContain("listening on");
    expect(err).toEqual([]);
  });

  it.each([["abc"], ["70000"], ["-1"], [""], ["1.5"], [" 80"], ["0x50"], ["1e3"]])(
    "a bad --port %j returns 2 with a message",
    async (port) => {
      const { code, out, err } = await run([`--port=${port}`, "--empty"]);
      expect(code).toBe(2);
      expect(out).toEqual([]);
      expect(err.join("\n")).toContain("--port must be a number from 0 to 65535");
    },
  );

  it("an unknown option or a missing value returns 2 with the usage", async () => {
    for (const argv of [["--bogus"], ["--port"], ["stray"]]) {
      const { code, out, err } = await run(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(out).toEqual([]);
      expect(err.join("\n")).toContain("Usage: trustspec-mock licence");
    }
  });

  it("an unreadable or invalid --signing-key returns 1 with one line, not a crash", async () => {
    const notPem = join(work, "not.pem");
    writeFileSync(notPem, "this is not a key\n");
    const publicOnly = join(work, "public-only.pem");
    writeFileSync(publicOnly, makeKeys().publicPem);
    for (const file of [join(work, "missing.pem"), notPem, publicOnly]) {
      const { code, out, err } = await run(["--port", "0", "--signing-key", file]);
      expect(code, file).toBe(1);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^trustspec-mock licence: /);
    }
  });

  it("a port already in use returns 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, err } = await run(["--port", String(port), "--empty"]);
      expect(code).toBe(1);
      expect(err[0]).toContain("EADDRINUSE");
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
