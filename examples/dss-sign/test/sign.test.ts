import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { toPem, verifyCms } from "@trustspec/dss/cms";
import { DssEmulator } from "@trustspec/dss/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "src", "main.mjs");
const dir = mkdtempSync(join(tmpdir(), "dss-sign-"));
type Failure = { code: number; stdout: string; stderr: string };

async function serve(options: ConstructorParameters<typeof DssEmulator>[0]) {
  const dss = await DssEmulator.create(options);
  const server = await dss.listen();
  return { dss, server };
}

describe("dss-sign against the DSS emulator over HTTP", () => {
  let confirming: Awaited<ReturnType<typeof serve>>;
  let open: Awaited<ReturnType<typeof serve>>;
  const file = join(dir, "contract.txt");
  const caFile = join(dir, "ca.pem");
  const content = "Договор поставки № 17\n";

  beforeAll(async () => {
    writeFileSync(file, content);
    confirming = await serve({
      users: [{ login: "anna", password: "pa55-word" }],
      otp: "424242",
      confirmActions: ["SignDocument"],
    });
    open = await serve({ users: [{ login: "anna", password: "pa55-word" }], confirmation: "Off" });
    writeFileSync(caFile, toPem(confirming.dss.caCertificate, "CERTIFICATE"));
  });
  afterAll(async () => {
    for (const s of [confirming, open]) {
      await s?.server.close();
      await s?.dss.close();
    }
  });

  const env = (extra: Record<string, string>) => ({
    ...process.env,
    DSS_PASSWORD: "pa55-word",
    ...extra,
  });

  it("confirms with the one-time password, signs, writes the .sig and verifies it", async () => {
    const out = join(dir, "confirmed.sig");
    const { stdout } = await run(
      process.execPath,
      [
        main,
        "--url",
        confirming.server.url,
        "--user",
        "anna",
        "--out",
        out,
        "--ca-cert",
        caFile,
        file,
      ],
      { env: env({ DSS_OTP: "424242" }) },
    );
    expect(stdout).toMatch(/certificate \d+: CN=anna \(default\)/);
    expect(stdout).toContain("confirmation ended: confirmed");
    expect(stdout).toContain("verified: signed by CN=anna");
    // The written file is a detached CMS over the file's bytes, by a certificate of the emulator's CA.
    const sig = new Uint8Array(readFileSync(out));
    const checked = await verifyCms(sig, {
      content: new Uint8Array(readFileSync(file)),
      trusted: [confirming.dss.caCertificate],
    });
    expect(checked.valid).toBe(true);
    expect(
      (await verifyCms(sig, { content: new TextEncoder().encode("другой текст") })).valid,
    ).toBe(false);
    // The transaction was spent: its state says so.
    expect([...confirming.dss.state.transactions.values()].map((t) => t.state)).toContain("used");
  });

  it("writes <file>.sig by default and signs without confirmation when the policy is Off", async () => {
    const { stdout } = await run(
      process.execPath,
      [main, "--url", open.server.url, "--user", "anna", file],
      {
        env: env({}),
      },
    );
    expect(stdout).toContain("the policy signs without confirmation");
    expect(stdout).toContain(`wrote ${file}.sig`);
    const checked = await verifyCms(new Uint8Array(readFileSync(`${file}.sig`)), {
      content: new Uint8Array(readFileSync(file)),
      trusted: [open.dss.caCertificate],
    });
    expect(checked.valid).toBe(true);
  });

  it("a wrong one-time password ends the confirmation; no signature, the code is not printed", async () => {
    const out = join(dir, "refused.sig");
    const failure = (await run(
      process.execPath,
      [main, "--url", confirming.server.url, "--user", "anna", "--out", out, file],
      { env: env({ DSS_OTP: "000111" }) },
    ).catch((e: Failure) => e)) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(
      /ConfirmationFailedError: transaction \S+ was not confirmed \(maxAttempts: max_attempts_exceeded\)/,
    );
    expect(`${failure.stdout}${failure.stderr}`).not.toContain("000111");
    expect(() => readFileSync(out)).toThrow();
  });

  it("a wrong password is the identity centre's invalid_grant, and the password is not printed", async () => {
    const failure = (await run(
      process.execPath,
      [main, "--url", confirming.server.url, "--user", "anna", file],
      { env: env({ DSS_PASSWORD: "n0t-the-pa55", DSS_OTP: "424242" }) },
    ).catch((e: Failure) => e)) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("invalid_grant");
    expect(`${failure.stdout}${failure.stderr}`).not.toContain("n0t-the-pa55");
  });
});
