import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DssEmulator } from "@trustspec/dss/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "src", "main.mjs");
const dir = mkdtempSync(join(tmpdir(), "dss-soap-sign-"));
type Failure = { code: number; stdout: string; stderr: string };

async function serve(options: ConstructorParameters<typeof DssEmulator>[0]) {
  const dss = await DssEmulator.create(options);
  const server = await dss.listen({ https: true });
  const ca = join(dir, `ca-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(ca, dss.caCertificatePem);
  return { dss, server, ca };
}

describe("dss-soap-sign against the DSS emulator over HTTPS", () => {
  let confirming: Awaited<ReturnType<typeof serve>>;
  let open: Awaited<ReturnType<typeof serve>>;
  const file = join(dir, "contract.txt");
  const content = "Договор поставки № 17\n";
  const users = [{ login: "anna", password: "pa55-word" }];

  beforeAll(async () => {
    writeFileSync(file, content);
    confirming = await serve({ users, otp: "424242", confirmActions: ["SignDocument"] });
    open = await serve({ users, confirmation: "Off" });
  });
  afterAll(async () => {
    for (const s of [confirming, open]) {
      await s?.server.close();
      await s?.dss.close();
    }
  });

  const sign = (
    emulator: Awaited<ReturnType<typeof serve>>,
    out: string,
    extra: Record<string, string>,
  ) =>
    run(
      process.execPath,
      [main, "--url", emulator.server.url, "--user", "anna", "--out", out, file],
      {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: emulator.ca,
          DSS_PASSWORD: "pa55-word",
          ...extra,
        },
      },
    );

  /** `openssl cms -verify` of a detached signature over `content`, against the emulator's CA. */
  const opensslVerify = (sig: string, ca: string, content = file) =>
    run("openssl", [
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      sig,
      "-content",
      content,
      "-CAfile",
      ca,
      "-purpose",
      "any",
      "-out",
      "/dev/null",
    ]);

  it("confirms through the WS-Trust challenge, signs over SOAP, and openssl verifies the .sig", async () => {
    const out = join(dir, "confirmed.sig");
    const { stdout } = await sign(confirming, out, { DSS_OTP: "424242" });
    expect(stdout).toMatch(/certificate \d+: CN=anna \(default\)/);
    expect(stdout).toMatch(/transaction (\S+) waits for confirmation/);
    expect(stdout).toContain("the identity centre asks:");
    expect(stdout).toContain("confirmed and signed");
    const id = /transaction (\S+) waits/.exec(stdout)?.[1] ?? "";
    expect(confirming.dss.state.transactions.get(id)?.state).toBe("used");
    const { stderr } = await opensslVerify(out, confirming.ca);
    expect(stderr).toContain("Verification successful");
    // The signature is over this file only.
    const other = join(dir, "other.txt");
    writeFileSync(other, "другой текст");
    const tampered = await opensslVerify(out, confirming.ca, other).catch((e: Failure) => e);
    expect((tampered as Failure).code).not.toBe(0);
  });

  it("signs without a challenge when the policy does not ask for confirmation", async () => {
    const out = join(dir, "open.sig");
    const { stdout } = await sign(open, out, {});
    expect(stdout).toContain("the policy signs without confirmation");
    expect(stdout).not.toContain("the identity centre asks:");
    const { stderr } = await opensslVerify(out, open.ca);
    expect(stderr).toContain("Verification successful");
  });

  it("a wrong one-time password fails without a .sig, and the code is not printed", async () => {
    const out = join(dir, "refused.sig");
    const failure = (await sign(confirming, out, { DSS_OTP: "999999" }).catch(
      (e: Failure) => e,
    )) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^WsTrustFailedError: /m);
    expect(`${failure.stdout}${failure.stderr}`).not.toContain("999999");
    expect(existsSync(out)).toBe(false);
  });

  it("a wrong password fails without printing it", async () => {
    const out = join(dir, "bad-password.sig");
    const failure = (await sign(open, out, { DSS_PASSWORD: "not-the-password" }).catch(
      (e: Failure) => e,
    )) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^WsTrustFailedError: /m);
    expect(`${failure.stdout}${failure.stderr}`).not.toContain("not-the-password");
    expect(existsSync(out)).toBe(false);
  });

  it("the written file is what the emulator signed: a CMS over the file's bytes", () => {
    const sig = readFileSync(join(dir, "confirmed.sig"));
    // DER SEQUENCE with the CMS signedData OID.
    expect(sig[0]).toBe(0x30);
    expect(sig.includes(Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]))).toBe(
      true,
    );
  });
});
