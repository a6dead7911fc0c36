import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clientCertificateFetch } from "@trustspec/dss/node";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { listeningUrl, mockIo } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import * as soap from "../src/generated/ums-soap/client.gen.js";
import { runDssUmsMock } from "../src/server.js";
import { strangerCert } from "./soap-emulator-support.js";

/** `trustspec-mock dss-ums --https`: the SOAP service's /cert with the operator's certificate. */

const soapClient = (url: string, tls: { cert: string; key: string; ca: string }) =>
  soap.createDssUmsSoapClient({
    url: `${url}/STS/UserManagement.svc/cert`,
    fetch: clientCertificateFetch(tls),
  });

describe("trustspec-mock dss-ums over HTTPS", () => {
  it.each([
    [["--ca-cert-out", "ca.pem"], /--ca-cert-out goes with --https/],
    [["--https", "--operator-cert", "x.pem"], /--operator-cert goes with --standalone/],
    [["--https", "--standalone", "--operator-cert-out", "x.pem"], /--operator-cert-out goes with/],
    [["--standalone", "--operator-cert", "/nonexistent/op.pem"], /--operator-cert/],
  ])("refuses %j with exit code 2", async (argv, message) => {
    const t = mockIo();
    expect(await runDssUmsMock(argv, t.io)).toBe(2);
    expect(t.err.join("\n")).toMatch(message);
  });

  it("beside the DSS emulator: --ca-cert-out and --operator-cert-out give what a /cert client needs", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ums-soap-cli-"));
    const ca = join(dir, "ca.pem");
    const operator = join(dir, "operator.pem");
    const t = mockIo();
    const done = runDssUmsMock(
      ["--port", "0", "--https", "--ca-cert-out", ca, "--operator-cert-out", operator],
      t.io,
    );
    const url = await listeningUrl(t);
    expect(url).toMatch(/^https:/);
    expect(t.out.join("\n")).toMatch(/UMS over SOAP:\s+https:.*\/STS\/UserManagement\.svc\?wsdl/);
    const pem = await readFile(operator, "utf8");
    const trust = await readFile(ca, "utf8");
    const client = soapClient(url, { cert: pem, key: pem, ca: trust });
    const policy = await soap.getPolicy(client, {});
    expect(policy.GetPolicyResult?.Groups?.IdentityGroupInfo?.[0]?.GroupList?.string).toContain(
      "Default",
    );
    const refused = await soap
      .getPolicy(soapClient(url, { ...(await strangerCert()), ca: trust }), {})
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SoapFaultError);
    t.stop();
    expect(await done).toBe(0);
  });

  it("--standalone --operator-cert: /cert accepts that certificate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ums-soap-cli-"));
    const mine = await strangerCert("CN=cli operator");
    const file = join(dir, "operator-cert.pem");
    await writeFile(file, mine.cert);
    const ca = join(dir, "ca.pem");
    const t = mockIo();
    const done = runDssUmsMock(
      ["--port", "0", "--standalone", "--https", "--operator-cert", file, "--ca-cert-out", ca],
      t.io,
    );
    const url = await listeningUrl(t);
    const client = soapClient(url, { ...mine, ca: await readFile(ca, "utf8") });
    const made = await soap.registerUser(client, { identifiers: { Login: "from-cli" } });
    expect(made.RegisterUserResult).toMatch(/^[0-9a-f-]{36}$/);
    t.stop();
    expect(await done).toBe(0);
  });
});
