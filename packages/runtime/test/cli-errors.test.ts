import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../src/errors.js";
import {
  createRouter,
  describeStartError,
  listen,
  readOptionFile,
  readOptionFileSync,
  writeOptionFile,
} from "../src/server.js";

const work = mkdtempSync(join(tmpdir(), "runtime-cli-"));

async function failure(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe("files named by command-line options", () => {
  it("reads a file", async () => {
    const file = join(work, "key.pem");
    writeFileSync(file, "PEM");
    expect(await readOptionFile("--signing-key", file, "an RSA private key (PEM)")).toBe("PEM");
    expect(readOptionFileSync("--trusted-cert", file, "CA certificates (PEM)")).toBe("PEM");
  });

  it("a missing file: the option, the file, ENOENT and what to pass", async () => {
    const file = join(work, "missing.pem");
    const e = await failure(readOptionFile("--signing-key", file, "an RSA private key (PEM)"));
    expect(e.option).toBe("--signing-key");
    expect(e.message).toBe(
      `--signing-key ${JSON.stringify(file)}: the file does not exist (ENOENT); pass the path of an RSA private key (PEM)`,
    );
    expect(() => readOptionFileSync("--trusted-cert", file, "CA certificates (PEM)")).toThrow(
      `--trusted-cert ${JSON.stringify(file)}: the file does not exist (ENOENT); pass the path of CA certificates (PEM)`,
    );
  });

  it("a directory instead of a file", async () => {
    const e = await failure(readOptionFile("--signing-key", work, "an RSA private key (PEM)"));
    expect(e.message).toBe(
      `--signing-key ${JSON.stringify(work)}: it is a directory (EISDIR); pass the path of an RSA private key (PEM)`,
    );
  });

  it("a file to write in a directory that does not exist", async () => {
    const file = join(work, "no-such-dir", "public.pem");
    const e = await failure(writeOptionFile("--public-key-out", file, "PEM"));
    expect(e.option).toBe("--public-key-out");
    expect(e.message).toBe(
      `--public-key-out ${JSON.stringify(file)}: the directory ${JSON.stringify(join(work, "no-such-dir"))} does not exist (ENOENT); pass the path of a file in an existing directory`,
    );
  });
});

describe("describeStartError", () => {
  const router = createRouter(
    [],
    {},
    { $id: "urn:test:cli", $defs: {} },
    {
      formatError: (info) => info,
    },
  );

  it("a port in use: the port, the address and --port 0", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const error = await listen(router, { host: "127.0.0.1", port }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(describeStartError(error, { host: "127.0.0.1", port })).toBe(
        `port ${port} on 127.0.0.1 is in use (EADDRINUSE); stop what listens there, or pass --port 0 to pick a free one`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it.each([
    [
      "EACCES",
      "port 80 on 127.0.0.1 may not be opened by this user (EACCES); pass a port above 1023, or --port 0 to pick a free one",
    ],
    [
      "EADDRNOTAVAIL",
      "127.0.0.1 is not an address of this machine (EADDRNOTAVAIL); pass --host 127.0.0.1 or another local address",
    ],
    [
      "ENOTFOUND",
      '--host "127.0.0.1" does not resolve (ENOTFOUND); pass an IP address such as 127.0.0.1',
    ],
  ])("%s", (code, line) => {
    const error = Object.assign(new Error(`listen ${code}`), { code });
    expect(describeStartError(error, { host: "127.0.0.1", port: 80 })).toBe(line);
  });

  it("a ConfigurationError as it is, anything else as its first line", () => {
    const config = new ConfigurationError("--x", "--x: wrong");
    expect(describeStartError(config, { host: "h", port: 1 })).toBe("--x: wrong");
    expect(describeStartError(new Error("first\n    at stack"), { host: "h", port: 1 })).toBe(
      "first",
    );
  });
});
