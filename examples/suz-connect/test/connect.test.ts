import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createGostTestCa, exportGostPrivateKey, issueGostCertificate } from "@trustspec/suz";
import { SuzEmulator } from "@trustspec/suz/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "src", "main.mjs");
const dir = mkdtempSync(join(tmpdir(), "suz-connect-"));
const OMS_ID = "cdf12109-10d3-11e6-8b6f-0050569977a1";

const pem = (der: Uint8Array, label: string) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;

type Failure = { code: number; stdout: string; stderr: string };

describe("suz-connect against the emulator over HTTP", () => {
  let ca: Awaited<ReturnType<typeof createGostTestCa>>;
  let emulator: SuzEmulator;
  let server: Awaited<ReturnType<SuzEmulator["listen"]>>;
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");

  beforeAll(async () => {
    ca = await createGostTestCa({ subject: "CN=Тестовый УЦ" });
    const user = await issueGostCertificate(ca, { subject: "CN=ООО Пример, INNLE=7700000000" });
    writeFileSync(cert, pem(user.certificate, "CERTIFICATE"));
    writeFileSync(key, pem(exportGostPrivateKey(user.privateKey), "PRIVATE KEY"));
    // Only certificates of our test CA are trusted, as a real СУЗ trusts accredited CAs only.
    emulator = new SuzEmulator({ trustedCertificates: [ca.certificate] });
    server = await emulator.listen();
  }, 30_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => [
    main,
    "--url",
    server.url,
    "--oms-id",
    OMS_ID,
    "--cert",
    cert,
    "--key",
    key,
    ...extra,
  ];

  it("registers, signs in through ИС МДЛП with a signed code, and calls ping with the token", async () => {
    const { stdout } = await run(process.execPath, args("--name", "Линия розлива 1"));
    const connection = /omsConnection ([0-9a-f-]{36})/.exec(stdout)?.[1];
    expect(stdout).toContain('Registered installation "Линия розлива 1"');
    expect(stdout).toContain("Signed in through ИС МДЛП (SIGNED_CODE)");
    expect(stdout).toContain(`СУЗ API with the token: omsId ${OMS_ID}`);
    const token = emulator.state.currentToken(connection!);
    expect(token?.via).toBe("mdlp");
    expect(stdout).not.toContain(token!.token);
  });

  it("signs in with PASSWORD when MDLP_PASSWORD is set", async () => {
    const { stdout } = await run(process.execPath, args(), {
      env: { ...process.env, MDLP_USER_ID: "user@example.org", MDLP_PASSWORD: "password123" },
    });
    expect(stdout).toContain("Signed in through ИС МДЛП (PASSWORD)");
  });

  it("fails with the rejection when the name is taken", async () => {
    const failure = (await run(process.execPath, args("--name", "Линия розлива 1")).catch(
      (e) => e,
    )) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(
      /RegistrationRejectedError: .*already has an installation named/,
    );
  });

  it("fails at the token step for a wrong password, without printing it", async () => {
    const failure = (await run(process.execPath, args(), {
      env: { ...process.env, MDLP_USER_ID: "user@example.org", MDLP_PASSWORD: "not-my-pw-777" },
    }).catch((e) => e)) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/ClientTokenError: .*mdlpToken/);
    expect(failure.stderr).not.toContain("not-my-pw-777");
  });

  it("with --test-pki its throwaway certificate is refused by an emulator that trusts only our CA", async () => {
    const failure = (await run(process.execPath, [
      main,
      "--url",
      server.url,
      "--oms-id",
      OMS_ID,
      "--test-pki",
    ]).catch((e) => e)) as Failure;
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/RegistrationRejectedError: .*not accepted/);
  });
});
