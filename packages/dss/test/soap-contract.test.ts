/**
 * Contract tests of `@trustspec/dss/soap`: all 23 operations of the Sign Service through the
 * public client, against the generated MSW mocks and against the server stub over HTTP on
 * 127.0.0.1, without message security and with the `token/transport/nosc` and `token/nosc`
 * bindings; every value round-trips typed (the handler receives what was sent, the caller what
 * the handler answered). Faults with the DSSFault detail reject as DssSoapFaultError.
 */
import { listen } from "@trustspec/runtime/server";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssSignServiceMockHandlers } from "../src/mocks.js";
import {
  createDssSignServiceServer,
  dssSoapFault,
  signServiceEndpointSecurity,
  signServiceTokenOf,
} from "../src/server.js";
import {
  createSignServiceClient,
  DssSoapFaultError,
  getCertificate,
  isDssSoapFaultError,
  type SupportedSignServiceEndpointKind,
  signServiceEndpoint,
} from "../src/soap.js";
import { CASES, callCase, currentToken, OPERATIONS, recordingHandlers } from "./soap-support.js";
import { ISSUER, makeIssuer } from "./wssecurity-support.js";

const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

describe("the public client against the generated MSW mocks", () => {
  const url = "https://dss.example/SignServer/SignService.svc/token/transport/nosc";
  const received = new Map<string, unknown>();
  const msw = setupServer(
    ...createDssSignServiceMockHandlers({ url, overrides: recordingHandlers(received) }),
    ...createDssSignServiceMockHandlers({ url: `${url}/seeded`, seed: 7 }),
  );
  beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
  afterAll(() => msw.close());

  it.each(OPERATIONS)("%s: the request and the answer round-trip typed", async (op) => {
    const client = createSignServiceClient({ url, security: null });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
  });

  it("every operation answers with the mocks' seeded values, valid against the schema", async () => {
    const client = createSignServiceClient({ url: `${url}/seeded`, security: null });
    for (const op of OPERATIONS) {
      await expect(callCase(client, op), op).resolves.toBeTypeOf("object");
    }
  });
});

describe("the public client against the server stub over HTTP", () => {
  const issuer = makeIssuer();
  const received = new Map<string, unknown>();
  const subjects: (string | undefined)[] = [];
  const proofKeys = new Map<string, string>();
  // Every handler also records the subject of the verified token it was handed.
  const seeing = recordingHandlers(received, (ctx) =>
    subjects.push(signServiceTokenOf(ctx)?.subject),
  );
  const servers: Awaited<ReturnType<typeof listen>>[] = [];
  let base = "";
  let plainUrl = "";
  const urls: Partial<Record<SupportedSignServiceEndpointKind, string>> = {};

  beforeAll(async () => {
    const plain = await listen(createDssSignServiceServer(seeing), { host: "127.0.0.1" });
    servers.push(plain);
    plainUrl = signServiceEndpoint(plain.url, "token");
    // One server per secured kind, on one port each: the audience is the endpoint's address.
    for (const kind of ["token/transport/nosc", "token/nosc"] as const) {
      let audience = "";
      const hooks = signServiceEndpointSecurity(kind, {
        issuerKey: issuer.certPem,
        issuer: ISSUER,
        get audiences() {
          return [audience];
        },
        proofKey: (id) => proofKeys.get(id),
      });
      const s = await listen(createDssSignServiceServer(seeing, hooks), { host: "127.0.0.1" });
      servers.push(s);
      audience = signServiceEndpoint(s.url, kind);
      urls[kind] = audience;
    }
    base = plain.url;
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  function tokenFor(url: string, subject = "user1") {
    const t = currentToken(issuer, url, { subject });
    proofKeys.set(t.keyIdentifier, t.proofKey);
    return t;
  }

  it.each(OPERATIONS)("%s without message security", async (op) => {
    const client = createSignServiceClient({ url: plainUrl, security: null });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
    expect(subjects.at(-1)).toBeUndefined();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it.each(OPERATIONS)("%s over token/transport/nosc: the token endorses every call", async (op) => {
    const url = urls["token/transport/nosc"]!;
    const client = createSignServiceClient({ url, token: tokenFor(url, "transport-user") });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
    expect(subjects.at(-1)).toBe("transport-user");
  });

  it.each(OPERATIONS)("%s over token/nosc: signed and encrypted both ways", async (op) => {
    const url = urls["token/nosc"]!;
    const client = createSignServiceClient({ url, token: tokenFor(url, "nosc-user") });
    expect(await callCase(client, op)).toEqual(CASES[op].answer);
    expect(received.get(op)).toEqual(CASES[op].input);
    expect(subjects.at(-1)).toBe("nosc-user");
  });

  it("a token for another endpoint is refused with the wsse fault, nothing reaches the handler", async () => {
    const url = urls["token/transport/nosc"]!;
    const before = subjects.length;
    const client = createSignServiceClient({ url, token: tokenFor(urls["token/nosc"]!) });
    const e = await getCertificate(client, { id: 7 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(isDssSoapFaultError(e)).toBe(false);
    expect((e as SoapFaultError).subcode).toEqual({ ns: WSSE, local: "FailedAuthentication" });
    expect(subjects.length).toBe(before);
  });
});

describe("DSSFault: the Sign Service's typed fault", () => {
  const issuer = makeIssuer();
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";
  const proofKeys = new Map<string, string>();
  beforeAll(async () => {
    let audience = "";
    server = await listen(
      createDssSignServiceServer(
        {
          GetCertificate: ({ message }) => {
            throw dssSoapFault({
              Code: "certificate_not_found",
              Message: `Сертификат ${message.id} не найден`,
            });
          },
        },
        signServiceEndpointSecurity("token/nosc", {
          issuerKey: issuer.certPem,
          get audiences() {
            return [audience];
          },
          proofKey: (id) => proofKeys.get(id),
        }),
      ),
      { host: "127.0.0.1" },
    );
    url = signServiceEndpoint(server.url, "token/nosc");
    audience = url;
  });
  afterAll(() => server.close());

  it("rejects with DssSoapFaultError: code and message typed, the SOAP fields kept", async () => {
    const token = currentToken(issuer, url, { id: "_fault-token" });
    proofKeys.set(token.keyIdentifier, token.proofKey);
    const client = createSignServiceClient({ url, token });
    const e = await getCertificate(client, { id: 99 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DssSoapFaultError);
    expect(e).toBeInstanceOf(SoapFaultError);
    const f = e as DssSoapFaultError;
    expect(isDssSoapFaultError(f)).toBe(true);
    expect(f.dssCode).toBe("certificate_not_found");
    expect(f.dssMessage).toBe("Сертификат 99 не найден");
    expect(f.dssFault).toEqual({
      Code: "certificate_not_found",
      Message: "Сертификат 99 не найден",
    });
    expect(f.faultCode).toBe("Receiver");
    expect(f.status).toBe(500);
    expect(f.operationId).toBe("GetCertificate");
    expect(f.message).not.toContain(token.proofKey);
  });
});
