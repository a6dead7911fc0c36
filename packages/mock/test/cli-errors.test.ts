/**
 * `trustspec-mock` errors a user meets first: a file option that names no file, a port in use;
 * one line each, naming the option, file or port and the fix, with the command's exit code; and
 * `--version`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mockIo } from "@trustspec-private/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, usage } from "../src/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "trustspec-mock.mjs");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
};
const work = mkdtempSync(join(tmpdir(), "mock-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[]) {
  const t = mockIo();
  const code = await main(argv, t.io);
  t.stop();
  return { code, out: t.out, err: t.err };
}

describe("trustspec-mock --version", () => {
  it("prints the version of its package.json and exits 0", async () => {
    const { code, out, err } = await run(["--version"]);
    expect(code).toBe(0);
    expect(out).toEqual([version]);
    expect(err).toEqual([]);
  });

  it("is named in the usage", () => {
    expect(usage()).toContain("trustspec-mock --version");
  });

  it("works from the installed command", () => {
    const result = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });
});

describe("a file option that names no file", () => {
  const missing = join(work, "missing.pem");

  it("licence --signing-key: one line, exit 1", async () => {
    const { code, out, err } = await run(["licence", "--port", "0", "--signing-key", missing]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `trustspec-mock licence: --signing-key ${JSON.stringify(missing)}: the file does not exist (ENOENT); pass the path of an RSA private key (PEM)`,
    ]);
  });

  it("licence --signing-key with a file that holds no key: one line naming it, exit 1", async () => {
    const file = join(work, "not-a-key.pem");
    writeFileSync(file, "not a key\n");
    const { code, err } = await run(["licence", "--port", "0", "--signing-key", file]);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      new RegExp(
        `^trustspec-mock licence: --signing-key ${JSON.stringify(file).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not an RSA private key in PEM \\(.+\\); pass the PEM file of an RSA private key, or leave the option out for a fresh key$`,
      ),
    );
  });

  it("licence --public-key-out in a directory that does not exist: one line, exit 1", async () => {
    const out = join(work, "no-dir", "public.pem");
    const { code, err } = await run(["licence", "--port", "0", "--public-key-out", out]);
    expect(code).toBe(1);
    expect(err).toEqual([
      `trustspec-mock licence: --public-key-out ${JSON.stringify(out)}: the directory ${JSON.stringify(join(work, "no-dir"))} does not exist (ENOENT); pass the path of a file in an existing directory`,
    ]);
  });

  it("suz --trusted-cert: one line without the usage, exit 2", async () => {
    const { code, out, err } = await run(["suz", "--port", "0", "--trusted-cert", missing]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `trustspec-mock suz: --trusted-cert ${JSON.stringify(missing)}: the file does not exist (ENOENT); pass the path of a PEM file of CA certificates`,
    ]);
  });

  it("dss --ca-cert-out in a directory that does not exist: one line, exit 1", async () => {
    const out = join(work, "no-dir", "ca.pem");
    const { code, err } = await run(["dss", "--port", "0", "--ca-cert-out", out]);
    expect(code).toBe(1);
    expect(err).toEqual([
      `trustspec-mock dss: --ca-cert-out ${JSON.stringify(out)}: the directory ${JSON.stringify(join(work, "no-dir"))} does not exist (ENOENT); pass the path of a file in an existing directory`,
    ]);
  });

  it("from the installed command: one line on stderr, no stack trace, exit 1", () => {
    const result = spawnSync(
      process.execPath,
      [bin, "licence", "--port", "0", "--signing-key", missing],
      { encoding: "utf8" },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `trustspec-mock licence: --signing-key ${JSON.stringify(missing)}: the file does not exist (ENOENT); pass the path of an RSA private key (PEM)\n`,
    );
  });
});

describe("a port in use", () => {
  const blocker = createServer();
  let port: number;
  beforeAll(async () => {
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => blocker.close(resolve)));

  it.each([
    ["licence", ["--empty"]],
    ["dss", []],
    ["dss-ums", ["--standalone"]],
    ["suz", []],
    ["dss-notification", []],
  ])("%s: the port and --port 0 in one line, exit 1", async (api, extra) => {
    const { code, out, err } = await run([api, "--port", String(port), ...extra]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `trustspec-mock ${api}: port ${port} on 127.0.0.1 is in use (EADDRINUSE); stop what listens there, or pass --port 0 to pick a free one`,
    ]);
  });
});
