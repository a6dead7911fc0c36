/**
 * Contract tests of `@trustspec/dss-ums/soap`: all 30 operations of UserManagement.svc through the
 * public client, against the generated MSW mocks and against the generated server stub over HTTP
 * on 127.0.0.1: without message security, on `/token` with a SAML token the DSS emulator's
 * identity centre issued (signed and encrypted both ways with its proof key, checked by the
 * endpoint hook), and on `/cert` over HTTPS with the operator's TLS client certificate mapped to a
 * caller by the endpoint hook. Every value round-trips typed: the handler receives what was sent,
 * the caller gets what the handler answered.
 */
import { DssEmulator } from "@trustspec/dss/server";
import { listen } from "@trustspec/runtime/server";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssUmsSoapMockHandlers } from "../src/mocks.js";
import {
  clientCertificateCallerOf,
  clientCertificateEndpointSecurity,
  createDssUmsSoapServer,
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
} from "../src/server.js";
import { createUmsSoapClient, stsEndpoint, umsSoapEndpoint } from "../src/soap.js";
import { testPki } from "./soap-contract-pki.js";
import { CASES, callCase, OPERATIONS, recordingHandlers } from "./soap-contract-support.js";

describe("the public client against the generated MSW mocks", () => {
  const url = "https://dss.example/STS/UserManagement.svc/cert";
  const received = new Map<string, unknown>();
  const msw = setupServer(
    ...createDssUmsSoapMockHandlers({ url, overrides: recordingHandlers(received) }),
    ...createDssUmsSoapMockHandlers({ url: "https://seeded.example/STS/UserManagement.svc/cert" }),
  );
  beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
  afterAll(() => msw.close());

  it("covers the 30 operations", () => {
    expect(OPERATIONS).toHaveLength(30);
  });

  it.each(OPERATIONS)("%s: the request and the answer round-trip typed", async (op) => {
    const client = createUmsSoapClient({ url });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
  });

  it("every operation answers with the mocks' seeded values, valid against the schema", async () => {
    const client = createUmsSoapClient({ baseUrl: "https://seeded.example" });
    for (const op of OPERATIONS) {
      await expect(callCase(client, op), op).resolves.toBeTypeOf("object");
    }
  });
});

describe("the public client against the server stub over HTTP", () => {
  const received = new Map<string, unknown>();
  const subjects: (string | undefined)[] = [];
  const seeing = recordingHandlers(received, (ctx) =>
    subjects.push(signServiceTokenOf(ctx)?.subject),
  );
  let dss: DssEmulator;
  let dssServer: Awaited<ReturnType<DssEmulator["listen"]>>;
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  let plainUrl = "";
  let tokenUrl = "";

  beforeAll(async () => {
    dss = await DssEmulator.create({ keyAlgorithm: "ECDSA" });
    dssServer = await dss.listen();
    const plain = await listen(createDssUmsSoapServer(seeing), { host: "127.0.0.1" });
    servers.push(plain);
    plainUrl = umsSoapEndpoint(plain.url, "cert");
    let audience = "";
    const hooks = symmetricBindingEndpointSecurity({
      issuerKey: dss.stsCertificatePem,
      issuer: dss.stsIssuer,
      get audiences() {
        return [audience];
      },
      proofKey: (id) => dss.state.samlTokens.get(id)?.proofKey,
    });
    const secured = await listen(createDssUmsSoapServer(seeing, hooks), { host: "127.0.0.1" });
    servers.push(secured);
    audience = umsSoapEndpoint(secured.url, "token");
    tokenUrl = audience;
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await dssServer?.close();
    await dss?.close();
  });

  it.each(OPERATIONS)("%s without message security", async (op) => {
    const client = createUmsSoapClient({ url: plainUrl });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
    expect(subjects.at(-1)).toBeUndefined();
  });

  it.each(OPERATIONS)(
    "%s over /token: the issued token, signed and encrypted both ways",
    async (op) => {
      const token = dss.issueSamlToken("operator", { audience: tokenUrl });
      const client = createUmsSoapClient({ url: tokenUrl, token });
      expect(await callCase(client, op)).toEqual(CASES[op].answer);
      expect(received.get(op)).toEqual(CASES[op].input);
      expect(subjects.at(-1)).toBe("operator");
    },
  );

  it("over /token the client obtains its token from the identity centre (federation)", async () => {
    const client = createUmsSoapClient({
      baseUrl: new URL(tokenUrl).origin,
      endpoint: "token",
      federation: {
        // The service's own WS-Trust endpoint (`/`): UsernameToken over plain HTTP.
        sts: stsEndpoint(dssServer.url, "/"),
        credentials: { kind: "username", username: "demo", password: "demo" },
      },
    });
    const issued = dss.state.samlTokens.size;
    for (const op of ["RegisterUser", "GetUsers", "DeleteUser"] as const) {
      expect(await callCase(client, op)).toEqual(CASES[op].answer);
      expect(received.get(op)).toEqual(CASES[op].input);
      expect(subjects.at(-1)).toBe("demo");
    }
    // One token, kept for the three calls.
    expect(dss.state.samlTokens.size).toBe(issued + 1);
  });

  it("/token refuses a plain request, a token for another endpoint and one the centre did not issue", async () => {
    received.clear();
    const plain = createUmsSoapClient({ url: tokenUrl, security: null });
    await expect(callCase(plain, "GetPolicy")).rejects.toMatchObject({
      name: "SoapFaultError",
      subcode: { local: "InvalidSecurity" },
    });
    const elsewhere = dss.issueSamlToken("operator", { audience: plainUrl });
    const wrong = createUmsSoapClient({ url: tokenUrl, token: elsewhere });
    const error = await callCase(wrong, "DeleteUser").catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "SoapFaultError",
      subcode: { local: "FailedAuthentication" },
    });
    expect(String((error as Error).message)).not.toContain(elsewhere.proofKey);
    const forged = { ...dss.issueSamlToken("operator", { audience: tokenUrl }) };
    dss.state.samlTokens.delete(forged.keyIdentifier!);
    await expect(
      callCase(createUmsSoapClient({ url: tokenUrl, token: forged }), "DeleteUser"),
    ).rejects.toMatchObject({ subcode: { local: "SecurityTokenUnavailable" } });
    // No handler ran.
    expect(received.size).toBe(0);
  });
});

describe("the public client against the server stub over HTTPS on /cert", () => {
  const received = new Map<string, unknown>();
  const callers: unknown[] = [];
  let pki: Awaited<ReturnType<typeof testPki>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";

  beforeAll(async () => {
    pki = await testPki();
    const hooks = clientCertificateEndpointSecurity({
      authorize: (certificate) =>
        certificate.checkIssued(pki.caX509) && certificate.verify(pki.caX509.publicKey)
          ? { operator: certificate.subject }
          : undefined,
    });
    const handlers = recordingHandlers(received, (ctx) =>
      callers.push(clientCertificateCallerOf(ctx)),
    );
    server = await listen(createDssUmsSoapServer(handlers, hooks), {
      host: "127.0.0.1",
      tls: { cert: pki.server.cert, key: pki.server.key, requestCert: true, ca: pki.caPem },
    });
    url = umsSoapEndpoint(server.url, "cert");
  });
  afterAll(() => server?.close());

  it.each(OPERATIONS)("%s with the operator's client certificate", async (op) => {
    const client = createUmsSoapClient({
      url,
      certificate: { ...pki.operator, ca: pki.caPem },
    });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
    expect(callers.at(-1)).toEqual({ operator: "CN=UMS operator" });
  });

  it("refuses a certificate of another CA, and a request without one, before any handler runs", async () => {
    received.clear();
    const stranger = createUmsSoapClient({
      baseUrl: server.url,
      certificate: { ...pki.stranger, ca: pki.caPem },
    });
    await expect(callCase(stranger, "DeleteUser")).rejects.toMatchObject({
      name: "SoapFaultError",
      subcode: { local: "FailedAuthentication" },
      reason: "The TLS client certificate is not authorised.",
    });
    const bare = await pki.postWithoutCertificate(url);
    expect(bare.status).toBeGreaterThanOrEqual(400);
    expect(bare.body).toContain("FailedAuthentication");
    expect(received.size).toBe(0);
  });
});
