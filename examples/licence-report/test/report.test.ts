import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LicenceEmulator } from "@trustspec/licence/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "src", "main.mjs");
const dir = mkdtempSync(join(tmpdir(), "licence-report-"));

describe("licence-report against the emulator over HTTP", () => {
  const emulator = new LicenceEmulator({ demo: true });
  let server: Awaited<ReturnType<LicenceEmulator["listen"]>>;
  const keyFile = join(dir, "emulator.pem");

  beforeAll(async () => {
    server = await emulator.listen();
    writeFileSync(keyFile, emulator.publicKey.export({ type: "spki", format: "pem" }));
  });
  afterAll(() => server.close());

  it("lists licences with days left, connections and sessions, every answer verified", async () => {
    const { stdout } = await run(process.execPath, [
      main,
      "--url",
      server.url,
      "--public-key",
      keyFile,
    ]);
    expect(stdout).toContain("Licensing server 3.0.34.11319");
    expect(stdout).toContain("Licences: 3");
    // The unlimited licence, the 365-day one with 25 days left, the expired demo one.
    expect(stdout).toMatch(/7131766\s+672B.*never\s+-/);
    expect(stdout).toMatch(/7200417\s+8A01.*\s25$/m);
    expect(stdout).toMatch(/7312090\s+5D3C.*expired/);
    expect(stdout).toContain("Connections: 1");
    expect(stdout).toContain("Sessions: 1");
    expect(stdout).toContain("user Бухгалтер  licence 7131766");
    expect(stdout).toContain("Every answer's Licence-Signature was verified.");
  });

  it("refuses to report when the answers are signed by another key", async () => {
    const other = join(dir, "other.pem");
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(other, publicKey.export({ type: "spki", format: "pem" }));
    const failure = await run(process.execPath, [
      main,
      "--url",
      server.url,
      "--public-key",
      other,
    ]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in failure && failure.code).toBe(1);
    expect(failure.stderr).toContain("LicenceSignatureError");
    expect(failure.stdout).not.toContain("Licences:");
  });

  it("fails with the server's 401 when the credentials are wrong, without printing the password", async () => {
    const failure = await run(
      process.execPath,
      [main, "--url", server.url, "--public-key", keyFile],
      {
        env: { ...process.env, LICENCE_USER: "admin", LICENCE_PASSWORD: "s3cret-wrong" },
      },
    ).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in failure && failure.code).toBe(1);
    expect(failure.stderr).toMatch(/ApiError: .*HTTP 401/);
    expect(failure.stderr).not.toContain("s3cret-wrong");
  });
});
