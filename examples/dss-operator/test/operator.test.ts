import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { DssUmsEmulator } from "@trustspec/dss-ums/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "src", "main.mjs");

describe("dss-operator against the UMS and DSS emulators over HTTP", () => {
  let emulator: DssUmsEmulator;
  let server: Awaited<ReturnType<DssUmsEmulator["listen"]>>;

  beforeAll(async () => {
    emulator = await DssUmsEmulator.create({
      dss: { keyAlgorithm: "ECDSA" },
      responseValidation: "strict",
    });
    server = await emulator.listen();
  });
  afterAll(async () => {
    await server.close();
    await emulator.close();
  });

  it("registers, sets password and SMS one-time passwords and the confirmation policy, finds, removes", async () => {
    const { stdout, stderr } = await run(process.execPath, [
      main,
      "--url",
      server.url,
      "--login",
      "anna",
      "--phone",
      "+79150000001",
    ]);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^registered anna: user id [0-9a-f-]{36}$/m);
    expect(stdout).toContain("password: reset by the service, 8 characters (not shown)");
    expect(stdout).toContain("  step 1: password\n  step 2: one-time password by SMS");
    expect(stdout).toContain("  confirms: 2 (DSSActions flags; 2 = SignDocument)");
    expect(stdout).toContain("found by filter (Login = anna, phone set): 1");
    expect(stdout).toMatch(/^ {2}anna {2}\+79150000001 {2}group Default {2}created \d{4}-/m);
    expect(stdout).toContain(
      "removed anna: 0 certificate requests, 0 certificates, then the account",
    );
    expect(stdout).toContain("anna is no longer known");
    // Nothing is left behind: neither the UMS account nor the identity centre's.
    expect([...emulator.state.users.values()].map((u) => u.login)).not.toContain("anna");
    expect(emulator.dss!.state.users.has("anna")).toBe(false);
  });

  it("fails with the identity centre's refusal when the operator password is wrong, without printing it", async () => {
    const failure = await run(process.execPath, [main, "--url", server.url, "--login", "bob"], {
      env: { ...process.env, DSS_OPERATOR: "operator", DSS_OPERATOR_PASSWORD: "wr0ng-s3cret" },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in failure && failure.code).toBe(1);
    expect(failure.stderr).toMatch(/OperatorScenarioError: createUser failed/);
    expect(failure.stderr).not.toContain("wr0ng-s3cret");
    expect(failure.stdout).toBe("");
  });

  it("is refused by the UMS when the credentials are a user's, not an operator's", async () => {
    const failure = await run(process.execPath, [main, "--url", server.url, "--login", "carol"], {
      env: { ...process.env, DSS_OPERATOR: "demo", DSS_OPERATOR_PASSWORD: "demo" },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect("code" in failure && failure.code).toBe(1);
    expect(failure.stderr).toMatch(
      /createUser failed with HTTP 403: Only a DSS Operator manages users/,
    );
  });
});
