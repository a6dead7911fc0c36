/**
 * The Sign Service's `token/nosc` binding end to end over HTTP on 127.0.0.1: the generated client
 * and the generated server stub, each with the runtime's message-security hook doing the
 * symmetric WS-Security of the binding (the issued token's proof key signs the timestamp, the
 * addressing headers and the body and encrypts the body; the answer comes back the same way);
 * and the `token/transport/nosc` binding's endorsing header, checked by the server stub's hook.
 */
import { listen } from "@trustspec/runtime/server";
import {
  parseEnvelope,
  readFault,
  type SoapEndpointSecurity,
  SoapFaultError,
} from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDssSignServiceClient,
  getCertificates,
} from "../src/generated/signservice/client.gen.js";
import { createDssSignServiceServer } from "../src/generated/signservice/server.gen.js";
import { symmetricBindingSecurity, transportBindingSecurity } from "../src/soap/client-security.js";
import {
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
  transportBindingEndpointSecurity,
} from "../src/soap/endpoint-security.js";
import { ReplayCache } from "../src/wssecurity/index.js";
import { ISSUER, issuedToken, makeIssuer } from "./wssecurity-support.js";

const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const issuer = makeIssuer();
const id = "_5f1c2a8e-0b7d-4c3e-9a61-2d4e8f0a7b13";

let server: Awaited<ReturnType<typeof listen>>;
let endpoint: string;
let token: ReturnType<typeof issuedToken>;
const sent: string[] = [];
const received: string[] = [];
/** The subjects of the verified tokens the handler saw. */
const subjects: (string | undefined)[] = [];
const recording: typeof fetch = async (url, init) => {
  sent.push(String(init?.body));
  const res = await fetch(url, init);
  const text = await res.text();
  received.push(text);
  return new Response(text, { status: res.status, headers: res.headers });
};

beforeAll(async () => {
  const proofKeys = new Map<string, string>();
  let audience = "";
  // One hook for the server's lifetime (one replay cache), made once the audience is known.
  let hook: SoapEndpointSecurity | undefined;
  const security: SoapEndpointSecurity = {
    open: (request, context) => {
      hook ??= symmetricBindingEndpointSecurity({
        issuerKey: issuer.certPem,
        issuer: ISSUER,
        audiences: [audience],
        proofKey: (assertionId) => proofKeys.get(assertionId),
      }).security;
      return hook.open(request, context);
    },
    protect: (answer, context) => hook!.protect!(answer, context),
  };
  server = await listen(
    createDssSignServiceServer(
      {
        GetCertificates: (ctx) => {
          subjects.push(signServiceTokenOf(ctx)?.subject);
          return { GetCertificatesResult: {} };
        },
      },
      { security },
    ),
    { host: "127.0.0.1" },
  );
  endpoint = `${server.url.replace(/\/$/, "")}/SignServer/SignService.svc/token/nosc`;
  audience = endpoint;
  const now = Date.now();
  token = issuedToken(issuer, {
    id,
    audience: endpoint,
    notBefore: new Date(now - 60_000),
    notOnOrAfter: new Date(now + 600_000),
  });
  proofKeys.set(id, token.proofKey);
});
afterAll(() => server.close());

describe("Sign Service token/nosc: generated client and server stub with symmetric WS-Security", () => {
  it("calls GetCertificates with the body encrypted and signed with the addressing headers", async () => {
    sent.length = 0;
    received.length = 0;
    const client = createDssSignServiceClient({
      url: endpoint,
      fetch: recording,
      security: symmetricBindingSecurity({ token }),
    });
    expect(await getCertificates(client, {})).toEqual({ GetCertificatesResult: {} });
    // The handler received the verified token.
    expect(subjects.at(-1)).toBe("user1");
    const request = parseEnvelope(sent[0]!, "1.2");
    expect(request.headers.some((h) => h.namespaceURI === WSSE && h.localName === "Security")).toBe(
      true,
    );
    expect(request.body.localName).toBe("EncryptedData");
    expect(sent[0]).not.toContain("GetCertificates xmlns");
    expect(sent[0]).not.toContain(token.proofKey);
    // Every addressing header is signed with the body and the timestamp.
    for (const local of ["Action", "MessageID", "ReplyTo", "To"]) {
      const h = request.headers.find((x) => x.localName === local)!;
      const wsuId = h.getAttributeNS(
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
        "Id",
      );
      expect(wsuId, local).toBeTruthy();
    }
    const answer = parseEnvelope(received[0]!, "1.2");
    expect(answer.body.localName).toBe("EncryptedData");
  });

  it("answers a request protected with a wrong proof key with a wsse fault", async () => {
    const client = createDssSignServiceClient({
      url: endpoint,
      security: symmetricBindingSecurity({
        token: { ...token, proofKey: Buffer.alloc(32, 7).toString("base64") },
      }),
    });
    const e = (await getCertificates(client, {}).catch((x: unknown) => x)) as SoapFaultError;
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(e.subcode).toEqual({ ns: WSSE, local: "FailedCheck" });
    expect(e.status).toBe(400);
    expect(e.reason).not.toContain(token.proofKey);
  });

  it("refuses a replayed request", async () => {
    sent.length = 0;
    const client = createDssSignServiceClient({
      url: endpoint,
      fetch: recording,
      security: symmetricBindingSecurity({ token }),
    });
    await getCertificates(client, {});
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/soap+xml; charset=utf-8" },
      body: sent[0]!,
    });
    expect(res.status).toBe(400);
    const fault = readFault(parseEnvelope(await res.text(), "1.2"));
    expect(fault?.subcode).toEqual({ ns: WSSE, local: "InvalidSecurity" });
  });
});

describe("Sign Service token/transport/nosc: the endorsing header checked by the server stub", () => {
  let transportServer: Awaited<ReturnType<typeof listen>>;
  let url: string;
  let transportToken: ReturnType<typeof issuedToken>;
  beforeAll(async () => {
    const proofKeys = new Map<string, string>();
    const replayCache = new ReplayCache();
    let audience = "";
    transportServer = await listen(
      createDssSignServiceServer(
        { GetCertificates: () => ({ GetCertificatesResult: {} }) },
        {
          // The header is checked by the hook and stays in the request: the endpoint knows it.
          ...transportBindingEndpointSecurity({
            issuerKey: issuer.certPem,
            issuer: ISSUER,
            get audiences() {
              return [audience];
            },
            proofKey: (assertionId) => proofKeys.get(assertionId),
            replayCache,
          }),
        },
      ),
      { host: "127.0.0.1" },
    );
    // Plain HTTP on the loopback: what the binding adds over HTTPS is the message's header.
    url = `${transportServer.url.replace(/\/$/, "")}/SignServer/SignService.svc/token/transport/nosc`;
    audience = url;
    const now = Date.now();
    transportToken = issuedToken(issuer, {
      id: "_9a0e4c1b-7f2d-4b8a-8c3e-5d6f7a8b9c0d",
      audience: url,
      notBefore: new Date(now - 60_000),
      notOnOrAfter: new Date(now + 600_000),
    });
    proofKeys.set(transportToken.keyIdentifier, transportToken.proofKey);
  });
  afterAll(() => transportServer.close());

  it("calls GetCertificates with the token and the endorsing signature in the header", async () => {
    const client = createDssSignServiceClient({
      url,
      security: transportBindingSecurity({ token: transportToken }),
    });
    expect(await getCertificates(client, {})).toEqual({ GetCertificatesResult: {} });
  });

  it("answers a wrong proof key with FailedCheck and a replay with InvalidSecurity", async () => {
    const wrong = createDssSignServiceClient({
      url,
      security: transportBindingSecurity({
        token: { ...transportToken, proofKey: Buffer.alloc(32, 3).toString("base64") },
      }),
    });
    const e = (await getCertificates(wrong, {}).catch((x: unknown) => x)) as SoapFaultError;
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(e.subcode).toEqual({ ns: WSSE, local: "FailedCheck" });

    const bodies: string[] = [];
    const client = createDssSignServiceClient({
      url,
      security: transportBindingSecurity({ token: transportToken }),
      fetch: async (input, init) => {
        bodies.push(String(init?.body));
        return fetch(input, init);
      },
    });
    await getCertificates(client, {});
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/soap+xml; charset=utf-8" },
      body: bodies[0]!,
    });
    expect(res.status).toBe(400);
    const fault = readFault(parseEnvelope(await res.text(), "1.2"));
    expect(fault?.subcode).toEqual({ ns: WSSE, local: "InvalidSecurity" });
  });
});
