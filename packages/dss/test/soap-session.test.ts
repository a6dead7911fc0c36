/**
 * The Sign Service's `token/transport` and `federation/transport` endpoints with a secure session
 * (WS-SecureConversation 1.3) between the public client and the emulator over HTTPS: the session
 * established once with the issued token, SignDocument, GetCertificates and DecryptDocument
 * through it, a new session before it expires and after the service refused it, cancel on
 * `close()`, and the service refusing unknown sessions with `wsc:BadContextToken`.
 */
import { randomBytes } from "node:crypto";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import {
  createSignServiceClient,
  getCertificates,
  type SignServiceEndpointKind,
  signDocument,
  signServiceEndpoint,
  stsEndpoint,
} from "../src/soap.js";
import { WSSC_NS } from "../src/wssecurity/constants.js";
import {
  RST_SCT_ACTION,
  RST_SCT_CANCEL_ACTION,
  sessionTransportSecurityHeader,
} from "../src/wssecurity/secureconversation.js";
import { encryptThenDecrypt, fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

let dss: DssEmulator;
let url = "";
let offset = 0;
let trusting: typeof fetch;
const now = () => new Date(Date.now() + offset);

beforeAll(async () => {
  dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    now,
    users: [{ login: "demo", password: "demo" }],
  });
  url = (await dss.listen({ https: true })).url;
  trusting = fetchTrusting(dss.caCertificatePem);
});
afterAll(() => dss?.close());

/** A fetch that records the WS-Trust actions it sends (the session's own exchanges). */
function recording() {
  const actions: string[] = [];
  const sent: { type: string; body: string }[] = [];
  const f: typeof fetch = async (input, init) => {
    const type = new Headers(init?.headers).get("content-type") ?? "";
    const action = /action="([^"]*)"/.exec(type)?.[1] ?? "";
    if (action.includes("/RST/SCT")) actions.push(action);
    sent.push({ type, body: String(init?.body) });
    return trusting(input, init);
  };
  return { fetch: f, actions, sent };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A client of token/transport with a token valid for an hour, its session's exchanges recorded. */
function sessionClient(extra: { now?: () => Date; endpoint?: SignServiceEndpointKind } = {}) {
  const { fetch, actions, sent } = recording();
  const client = createSignServiceClient({
    baseUrl: url,
    endpoint: "token/transport",
    token: dss.issueSamlToken("demo", { lifetimeSeconds: 3600 }),
    fetch,
    now,
    ...extra,
  });
  return { client, actions, sent };
}

/** GetCertificates, SignDocument (the CMS verified) and Encrypt/DecryptDocument through `client`. */
async function threeOperations(client: ReturnType<typeof sessionClient>["client"], text: string) {
  const [cert] = (await getCertificates(client, {})).GetCertificatesResult?.DSSCertificate ?? [];
  expect(cert?.ID).toBe(dss.state.certificatesOf("demo")[0]?.id);
  const signed = await signDocument(client, {
    document: b64(text),
    signatureType: "CMS",
    certificateID: cert?.ID,
    signatureParams: { IsDetached: "True" },
  });
  const verified = await verifyCms(Buffer.from(signed.SignDocumentResult ?? "", "base64"), {
    content: new TextEncoder().encode(text),
    trusted: [dss.caCertificate],
  });
  expect(verified).toMatchObject({ valid: true });
  const round = await encryptThenDecrypt(client, cert?.CertificateBase64 ?? "", `${text}: тайна`);
  expect(round.text).toBe(`${text}: тайна`);
}

describe("token/transport: a secure session with the issued token", () => {
  it("one RST/SCT, then SignDocument, GetCertificates and DecryptDocument through the session; close() cancels it", async () => {
    const { client, actions } = sessionClient();
    await threeOperations(client, "в сессии");
    expect(actions).toEqual([RST_SCT_ACTION]);

    await client.close();
    expect(actions).toEqual([RST_SCT_ACTION, RST_SCT_CANCEL_ACTION]);
    // After close, the next call establishes a new session.
    await getCertificates(client, {});
    expect(actions).toEqual([RST_SCT_ACTION, RST_SCT_CANCEL_ACTION, RST_SCT_ACTION]);
    await client.close();
  });

  it("concurrent first calls share one RST/SCT", async () => {
    const { client, actions } = sessionClient();
    await Promise.all([getCertificates(client, {}), getCertificates(client, {})]);
    expect(actions).toEqual([RST_SCT_ACTION]);
  });

  it("a new session shortly before the old one expires; an expired one refused, then replaced", async () => {
    const { client, actions } = sessionClient({ now });
    await getCertificates(client, {});
    offset += 9.5 * 60_000; // the session (10 minutes) ends within the refresh skew
    await getCertificates(client, {});
    expect(actions).toEqual([RST_SCT_ACTION, RST_SCT_ACTION]);

    // A client whose clock runs 4 minutes behind still uses its session when the service has
    // ended it: the call is refused with wsc:BadContextToken, the next one establishes anew.
    let lag = 0;
    const late = sessionClient({ now: () => new Date(now().getTime() - lag) });
    const slow = late.client;
    await getCertificates(slow, {});
    lag = 4 * 60_000;
    offset += 11 * 60_000;
    const e = await getCertificates(slow, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SoapFaultError);
    expect((e as SoapFaultError).status).toBe(500);
    expect((e as SoapFaultError).subcode).toEqual({ ns: WSSC_NS, local: "BadContextToken" });
    await getCertificates(slow, {});
    expect(late.actions).toEqual([RST_SCT_ACTION, RST_SCT_ACTION]);
  });

  it("an unknown session is refused with wsc:BadContextToken over HTTP 500, nothing changed", async () => {
    const before = JSON.stringify([...dss.state.certificates.keys()]);
    const identifier = "urn:uuid:00000000-0000-4000-8000-000000000000";
    const header = sessionTransportSecurityHeader(
      {
        identifier,
        tokenId: "sct-1",
        tokenXml: `<c:SecurityContextToken xmlns:c="${WSSC_NS}" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" u:Id="sct-1"><c:Identifier>${identifier}</c:Identifier></c:SecurityContextToken>`,
        key: randomBytes(32),
      },
      { now },
    );
    const endpoint = signServiceEndpoint(url, "token/transport");
    const action = "http://dss.cryptopro.ru/services/2014/06/ISignService/GetCertificates";
    const res = await trusting(endpoint, {
      method: "POST",
      headers: { "content-type": `application/soap+xml; charset=utf-8; action="${action}"` },
      body: `<s:Envelope xmlns:s="${SOAP12}" xmlns:a="${WSA}"><s:Header><a:Action s:mustUnderstand="1">${action}</a:Action><a:MessageID>urn:uuid:1</a:MessageID><a:To s:mustUnderstand="1">${endpoint}</a:To>${header}</s:Header><s:Body><GetCertificates xmlns="http://dss.cryptopro.ru/services/2014/06/"/></s:Body></s:Envelope>`,
    });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toContain(WSSC_NS);
    expect(text).toContain("BadContextToken");
    expect(JSON.stringify([...dss.state.certificates.keys()])).toBe(before);
  });
});

describe("token: a secure session with message security (symmetric binding, derived keys)", () => {
  it("one RST/SCT (protected with the proof key), then SignDocument, GetCertificates and DecryptDocument, answers verified and decrypted; close() cancels", async () => {
    const { client, actions } = sessionClient({ endpoint: "token" });
    await threeOperations(client, "симметрично");
    expect(actions).toEqual([RST_SCT_ACTION]);
    await client.close();
    expect(actions).toEqual([RST_SCT_ACTION, RST_SCT_CANCEL_ACTION]);
  });
});

describe("refusals on the session endpoints: a wsse:/wsc: fault over HTTP 500, nothing changed", () => {
  /** Sends a recorded request again to `kind`; the answer's status and text. */
  async function resend(kind: SignServiceEndpointKind, request: { type: string; body: string }) {
    const state = () =>
      JSON.stringify([...dss.state.certificates.values()].map((c) => [c.id, c.status]));
    const before = state();
    const res = await trusting(signServiceEndpoint(url, kind), {
      method: "POST",
      headers: { "content-type": request.type },
      body: request.body,
    });
    expect(state()).toBe(before);
    return { status: res.status, text: await res.text() };
  }

  it.each(["token/transport", "token"] as const)(
    "%s: a replayed request, then a request of a cancelled session",
    async (endpoint) => {
      const { client, sent } = sessionClient({ endpoint });
      await getCertificates(client, {});
      const request = sent.at(-1)!;
      const replayed = await resend(endpoint, request);
      expect(replayed.status).toBe(500);
      expect(replayed.text).toContain("InvalidSecurity");
      expect(replayed.text).toMatch(/replayed/);
      await client.close();
      const cancelled = await resend(endpoint, request);
      expect(cancelled.status).toBe(500);
      expect(cancelled.text).toContain("BadContextToken");
    },
  );

  it("an RST/SCT with a token for another audience gets no session", async () => {
    const rec = recording();
    const stranger = createSignServiceClient({
      baseUrl: url,
      endpoint: "token/transport",
      token: dss.issueSamlToken("demo", { audience: "https://elsewhere.example/" }),
      fetch: rec.fetch,
      now,
    });
    const e = await getCertificates(stranger, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SoapFaultError);
    expect((e as SoapFaultError).status).toBe(500);
    expect((e as SoapFaultError).subcode?.local).toBe("FailedAuthentication");
    // Only the RST/SCT was sent: the operation never went out.
    expect(rec.actions).toEqual([RST_SCT_ACTION]);
    expect(rec.sent.length).toBe(1);
  });
});

describe.each(["federation/transport", "federation"] as const)(
  "%s: the token from the identity centre, then a secure session",
  (endpoint) => {
    it("GetCertificates through a session bootstrapped with the token the client obtained", async () => {
      const { fetch, actions } = recording();
      const client = createSignServiceClient({
        baseUrl: url,
        endpoint,
        fetch,
        now,
        federation: {
          sts: stsEndpoint(url, "username/transport"),
          credentials: { kind: "username", username: "demo", password: "demo" },
        },
      });
      const certs = (await getCertificates(client, {})).GetCertificatesResult?.DSSCertificate ?? [];
      expect(certs.length).toBe(dss.state.certificatesOf("demo").length);
      await getCertificates(client, {});
      expect(actions).toEqual([RST_SCT_ACTION]);
      await client.close();
      expect(actions).toEqual([RST_SCT_ACTION, RST_SCT_CANCEL_ACTION]);
    });
  },
);
