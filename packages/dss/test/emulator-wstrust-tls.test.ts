/**
 * The emulator's WS-Trust endpoints with transport security (Table 96): `/username/transport`,
 * `/issuedtoken/transport` and `/cert` (the user's certificate as TLS client certificate) through
 * the real WS-Trust client over HTTPS on 127.0.0.1, trusting the emulator's test CA.
 */
import { KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, toPem } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import { issueSecurityToken } from "../src/wstrust/index.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

const SIGN = "https://dss.example/SignServer/SignService.svc/token/transport/nosc";
let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let sts: string;
let trusting: typeof fetch;

beforeAll(async () => {
  dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    users: [
      { login: "demo", password: "demo" },
      { login: "second", password: "second", loginConfirmation: true },
    ],
  });
  server = await dss.listen({ https: { requestCert: true } });
  sts = `${server.url}/STS/Active.svc`;
  trusting = fetchTrusting(dss.caCertificatePem);
});
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

const pem = (key: CryptoKey) =>
  KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;

/** The user's certificate and key, as a client presents them over TLS. */
function clientCertificateOf(login: string) {
  const c = dss.state.certificatesOf(login)[0]!;
  return { cert: toPem(c.der, "CERTIFICATE"), key: pem(c.privateKey!) };
}

describe("WS-Trust over HTTPS", () => {
  it("/username/transport: the token, with the second factor where the user has it", async () => {
    const outcome = await issueSecurityToken({
      url: `${sts}/username/transport`,
      appliesTo: SIGN,
      credentials: { kind: "username", username: "second", password: "second" },
      fetch: trusting,
      answer: async () => "123456",
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    if (outcome.status !== "issued") return;
    expect(dss.state.samlTokens.get(outcome.token.keyIdentifier!)?.subject).toBe("second");
  });

  it("/issuedtoken/transport: a token for a new one", async () => {
    const first = await issueSecurityToken({
      url: `${sts}/username/transport`,
      appliesTo: SIGN,
      credentials: { kind: "username", username: "demo", password: "demo" },
      fetch: trusting,
    });
    if (first.status !== "issued") throw new Error(first.status);
    const second = await issueSecurityToken({
      url: `${sts}/issuedtoken/transport`,
      appliesTo: SIGN,
      credentials: { kind: "issuedToken", tokenXml: first.token.tokenXml },
      fetch: trusting,
    });
    expect(second).toMatchObject({ status: "issued" });
    if (second.status !== "issued") return;
    expect(dss.state.samlTokens.get(second.token.keyIdentifier!)?.subject).toBe("demo");
  });

  it("/cert: the user's certificate as TLS client certificate signs the user in", async () => {
    const outcome = await issueSecurityToken({
      url: `${sts}/cert`,
      appliesTo: SIGN,
      // The client sends its usual header; the endpoint looks only at the TLS certificate.
      credentials: { kind: "username", username: "second", password: "wrong" },
      fetch: fetchTrusting(dss.caCertificatePem, clientCertificateOf("demo")),
    });
    expect(outcome).toMatchObject({ status: "issued" });
    if (outcome.status !== "issued") return;
    expect(dss.state.samlTokens.get(outcome.token.keyIdentifier!)?.subject).toBe("demo");
  });

  it("/cert refuses no certificate, a certificate of the CA that is no user's, and a revoked one", async () => {
    const stranger = await issueCertificate(await testCa(), {
      subject: "CN=demo",
      algorithm: "ECDSA",
    });
    const revoked = clientCertificateOf("second");
    dss.state.certificatesOf("second")[0]!.status = 2;
    for (const client of [
      undefined,
      { cert: toPem(stranger.certificate, "CERTIFICATE"), key: pem(stranger.privateKey!) },
      revoked,
    ]) {
      const outcome = await issueSecurityToken({
        url: `${sts}/cert`,
        appliesTo: SIGN,
        credentials: { kind: "username", username: "demo", password: "demo" },
        fetch: fetchTrusting(dss.caCertificatePem, client),
      });
      expect(outcome).toMatchObject({
        status: "refused",
        fault: {
          status: 500,
          subcode: { local: "FailedAuthentication" },
          reason: "The client certificate is not accepted.",
        },
      });
    }
  });
});
