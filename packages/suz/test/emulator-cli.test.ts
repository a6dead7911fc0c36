import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toPem } from "@trustspec/dss/cms";
import { mockIo } from "@trustspec-private/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  RegistrationRejectedError,
  registerInstallation,
  SANDBOX_REGISTRATION_KEY,
} from "../src/index.js";
import { runSuzMock } from "../src/server.js";
import { client, makeSigner, OMS_ID } from "./emulator-support.js";

const dir = mkdtempSync(join(tmpdir(), "suz-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function started(t: ReturnType<typeof mockIo>): Promise<string> {
  while (t.out.length === 0 && t.err.length === 0) await new Promise((r) => setTimeout(r, 10));
  const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0] ?? "")?.[1];
  if (!url) throw new Error(`not started: ${t.err.join("\n")}`);
  return url;
}

describe("trustspec-mock suz", () => {
  it("prints `listening on <url>` first, serves, and trusts only --trusted-cert CAs", async () => {
    const trusted = await makeSigner("GOST-256");
    const other = await makeSigner("ECDSA");
    const pem = join(dir, "trusted.pem");
    writeFileSync(pem, toPem(trusted.ca, "CERTIFICATE"));
    const t = mockIo();
    const done = runSuzMock(["--port", "0", "--trusted-cert", pem], t.io);
    const url = await started(t);
    const input = { omsId: OMS_ID, registrationKey: SANDBOX_REGISTRATION_KEY, address: "Пермь" };
    await expect(
      registerInstallation(client(url), { ...input, signer: trusted.signer }),
    ).resolves.toBeDefined();
    await expect(
      registerInstallation(client(url), { ...input, signer: other.signer }),
    ).rejects.toBeInstanceOf(RegistrationRejectedError);
    expect(t.err.join("\n")).toMatch(/registered installation/);
    t.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/auth/key`)).rejects.toThrow();
  });

  it("has --help", async () => {
    const t = mockIo();
    expect(await runSuzMock(["--help"], t.io)).toBe(0);
    expect(t.out.join("\n")).toContain("--trusted-cert");
  });

  it.each([
    [["--port", "http"], /--port/],
    [["--trusted-cert", "/nonexistent/ca.pem"], /ENOENT|no such file/],
    [["--mdlp-client", "only-id"], /id:secret|name:secret/],
    [["--mdlp-token-lifetime", "0"], /positive/],
    [["--bogus"], /Unknown option/],
  ])("refuses %j with exit code 2", async (argv, message) => {
    const t = mockIo();
    expect(await runSuzMock(argv, t.io)).toBe(2);
    expect(t.err.join("\n")).toMatch(message);
  });

  it("refuses a --trusted-cert file without a certificate", async () => {
    const file = join(dir, "empty.pem");
    writeFileSync(file, "nothing here\n");
    const t = mockIo();
    expect(await runSuzMock(["--trusted-cert", file], t.io)).toBe(2);
    expect(t.err.join("\n")).toMatch(/no PEM certificate/);
  });
});
