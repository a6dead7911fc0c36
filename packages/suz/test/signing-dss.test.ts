/**
 * The DSS signer against the DSS emulator over HTTP on 127.0.0.1: a password-grant token
 * provider of @trustspec/dss, the Signature Service's "sign a document", real RSA CMS from the
 * emulator, checked with this package's verification.
 */
import { createDssStsClient, passwordTokenProvider } from "@trustspec/dss";
import { createTestCa } from "@trustspec/dss/cms";
import { DssEmulator } from "@trustspec/dss/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  certificateIds,
  clientTokenAuth,
  DssSigner,
  inspectCmsSignature,
  mdlpTokenProvider,
  ping,
  registerInstallation,
  SANDBOX_REGISTRATION_KEY,
  trueApiTokenProvider,
  verifyCmsSignature,
} from "../src/index.js";
import { DEFAULT_MDLP_CLIENT, SuzEmulator } from "../src/server.js";
import { client, OMS_ID } from "./emulator-support.js";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let caCertificate: Uint8Array;

const body = new TextEncoder().encode('{"address":"г.Москва","name":"Линия 1"}');

function signer(password = "demo", extra: { certificateId?: number } = {}) {
  const sts = createDssStsClient({ baseUrl: `${server.url}${dss.stsPath}` });
  return new DssSigner({
    signServerUrl: `${server.url}${dss.signServerPath}`,
    token: passwordTokenProvider(sts, {
      client: { clientId: "dss.sample" },
      username: "demo",
      password,
    }),
    ...extra,
  });
}

beforeAll(async () => {
  const ca = await createTestCa({ commonName: "CN=DSS test CA", algorithm: "RSA" });
  caCertificate = ca.certificate;
  dss = await DssEmulator.create({ ca, keyAlgorithm: "RSA" });
  server = await dss.listen();
}, 60_000);
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

describe("DssSigner against the DSS emulator", () => {
  it("signs the registration body detached with the user's default DSS certificate", async () => {
    const s = signer();
    const signature = await s.signDetached(body);
    expect(inspectCmsSignature(signature)).toMatchObject({ attached: false, gost: false });
    const result = await verifyCmsSignature(signature, { content: body, trusted: [caCertificate] });
    expect(result, result.reason).toMatchObject({ valid: true });
    expect(result.signerCertificate).toEqual(await s.certificate());
  });

  it("signs attached, the content inside", async () => {
    const signature = await signer().signAttached(new TextEncoder().encode("challenge"));
    const result = await verifyCmsSignature(signature, { trusted: [caCertificate] });
    expect(result.valid).toBe(true);
    expect(new TextDecoder().decode(result.content)).toBe("challenge");
  });

  it("gives the certificate ИС МДЛП knows the user by", async () => {
    const ids = certificateIds(await signer().certificate());
    expect(ids.thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it("reports a refused sign-in as remote-failed without the password", async () => {
    const failure = await signer("wrong-password-123")
      .signDetached(body)
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "SigningError", code: "remote-failed" });
    expect(String((failure as Error).message)).not.toContain("wrong-password-123");
  });

  it("reports an unknown certificate id as remote-failed", async () => {
    await expect(signer("demo", { certificateId: 999 }).signDetached(body)).rejects.toMatchObject({
      code: "remote-failed",
      message: expect.stringMatching(/HTTP \d{3}/),
    });
  });

  it("needs a client or a URL and a token", () => {
    expect(() => new DssSigner({})).toThrow(/signServerUrl/);
  });
});

describe("a participant without local crypto: DSS signs for the СУЗ emulator", () => {
  it("registers an installation, signs in through ИС МДЛП (SIGNED_CODE) and ГИС МТ, calls ping", async () => {
    const suz = new SuzEmulator({ trustedCertificates: [caCertificate] });
    const suzServer = await suz.listen();
    try {
      const s = signer();
      const { omsConnection } = await registerInstallation(client(suzServer.url), {
        omsId: OMS_ID,
        registrationKey: SANDBOX_REGISTRATION_KEY,
        address: "г.Москва",
        name: "Через DSS",
        signer: s,
      });
      const mdlp = mdlpTokenProvider({
        client: client(suzServer.url),
        omsConnection,
        clientId: DEFAULT_MDLP_CLIENT.clientId,
        clientSecret: DEFAULT_MDLP_CLIENT.clientSecret,
        userId: certificateIds(await s.certificate()).thumbprint,
        signer: s,
      });
      const api = (tokens: typeof mdlp) =>
        ping(client(suzServer.url, { auth: clientTokenAuth(tokens) }), {
          path: { extension: "pharma" },
          query: { omsId: OMS_ID },
        });
      expect((await api(mdlp)).data.omsId).toBe(OMS_ID);
      const trueApi = trueApiTokenProvider({
        client: client(suzServer.url),
        omsConnection,
        signer: s,
      });
      expect((await api(trueApi)).status).toBe(200);
      expect(suz.state.currentToken(omsConnection)?.via).toBe("trueApi");
    } finally {
      await suzServer.close();
    }
  });
});
