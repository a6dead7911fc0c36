/**
 * What the emulator's SOAP Sign Service checks, as a real one does: each refusal is a typed SOAP
 * fault over HTTP 500 and leaves the emulator's state as it was. Then `token/nosc` (the proof key
 * as the symmetric protection token) over plain HTTP, the confirmation gate with the token's
 * transaction claim, the service's metadata, and `xmlsec1` checking the emulator's protected
 * answers given the proof key.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { DEFAULT_SIGN_SERVICE_AUDIENCE, DssEmulator } from "../src/emulator/index.js";
import * as soap from "../src/generated/signservice/client.gen.js";
import { createSignServiceClient } from "../src/soap/client.js";
import { DssSoapFaultError } from "../src/soap/faults.js";
import { signedSamlAssertion } from "../src/wssecurity/index.js";
import { encryptThenDecrypt, fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";
import { decrypt, setUpXmlsec1, verifySignature } from "./soap-xmlsec1-support.js";

const WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
const WSA = "http://www.w3.org/2005/08/addressing";

/** An emulator with a clock the test moves, served over HTTPS and HTTP. */
async function start(options: { confirmation?: "On" } = {}) {
  let offset = 0;
  const dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    now: () => new Date(Date.now() + offset),
    ...options,
  });
  const https = await dss.listen({ https: true });
  const http = await dss.listen();
  return {
    dss,
    https: https.url,
    http: http.url,
    fetch: fetchTrusting(dss.caCertificatePem),
    advance(seconds: number) {
      offset += seconds * 1000;
    },
    async close() {
      await https.close();
      await http.close();
      await dss.close();
    },
  };
}

type Running = Awaited<ReturnType<typeof start>>;
let e: Running;
beforeAll(async () => {
  e = await start();
});
afterAll(() => e?.close());

/** What an operation may change: certificates, requests, revocation requests, transactions. */
function snapshot(dss: DssEmulator): string {
  const s = dss.state;
  return JSON.stringify({
    certificates: [...s.certificates.values()].map((c) => [c.id, c.status, c.isDefault, c.pin]),
    requests: [...s.requests.values()].map((r) => [r.id, r.status]),
    revokeRequests: [...s.revokeRequests.values()].map((r) => [r.id, r.status]),
    transactions: [...s.transactions.values()].map((t) => [t.id, t.state]),
  });
}

/** The fault a call ends with: HTTP 500, and the state unchanged. */
async function refused(dss: DssEmulator, call: () => Promise<unknown>): Promise<SoapFaultError> {
  const before = snapshot(dss);
  const error = await call().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SoapFaultError);
  const fault = error as SoapFaultError;
  expect(fault.status).toBe(500);
  expect(snapshot(dss)).toBe(before);
  return fault;
}

const b64 = (text: string) => Buffer.from(text).toString("base64");
const signArgs = { document: b64("не подписывать"), signatureType: "CMS" as const };

function transportClient(
  token: Parameters<typeof createSignServiceClient>[0]["token"],
  extra = {},
) {
  return createSignServiceClient({
    baseUrl: e.https,
    endpoint: "token/transport/nosc",
    token,
    fetch: e.fetch,
    ...extra,
  });
}

describe("refusals: a typed fault over HTTP 500, nothing changed", () => {
  it("an expired token", async () => {
    const token = e.dss.issueSamlToken("demo", { lifetimeSeconds: 60 });
    e.advance(120);
    try {
      const f = await refused(e.dss, () =>
        soap.signDocument(
          transportClient(token, { now: () => e.dss.state.options.now() }),
          signArgs,
        ),
      );
      // Its proof key is no longer honoured: the token is gone as far as the service knows.
      expect(f.subcode).toEqual({ ns: WSSE, local: "SecurityTokenUnavailable" });
    } finally {
      e.advance(-120);
    }
  });

  it("a token signed by another key than the identity centre's", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Date.now();
    const assertionId = `_${randomBytes(8).toString("hex")}`;
    const proofKey = randomBytes(32).toString("base64");
    const tokenXml = signedSamlAssertion({
      issuer: e.dss.stsIssuer,
      signingKey: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      audience: DEFAULT_SIGN_SERVICE_AUDIENCE,
      subject: "demo",
      notBefore: new Date(now),
      notOnOrAfter: new Date(now + 600_000),
      assertionId,
    });
    // Even with its proof key known to the service, the signature decides.
    e.dss.state.samlTokens.set(assertionId, {
      assertionId,
      subject: "demo",
      proofKey,
      audience: DEFAULT_SIGN_SERVICE_AUDIENCE,
      issuedAt: now,
      expiresAt: now + 600_000,
    });
    const f = await refused(e.dss, () =>
      soap.signDocument(
        transportClient({ tokenXml, proofKey, keyIdentifier: assertionId }),
        signArgs,
      ),
    );
    expect(f.subcode).toEqual({ ns: WSSE, local: "InvalidSecurityToken" });
  });

  it("a wrong proof key", async () => {
    const token = { ...e.dss.issueSamlToken("demo"), proofKey: randomBytes(32).toString("base64") };
    const f = await refused(e.dss, () => soap.signDocument(transportClient(token), signArgs));
    expect(f.subcode).toEqual({ ns: WSSE, local: "FailedCheck" });
  });

  it("a stale timestamp", async () => {
    const token = e.dss.issueSamlToken("demo");
    const past = () => new Date(Date.now() - 20 * 60_000);
    const f = await refused(e.dss, () =>
      soap.signDocument(transportClient(token, { now: past }), signArgs),
    );
    expect(f.subcode).toEqual({ ns: WSSE, local: "MessageExpired" });
  });

  it("a replayed message", async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push({ url: String(input), init: { ...init } });
      return e.fetch(input, init);
    };
    const token = e.dss.issueSamlToken("demo");
    const c = transportClient(token, { fetch: recording });
    await soap.signDocument(c, signArgs);
    const first = sent[0]!;
    const before = snapshot(e.dss);
    const again = await e.fetch(first.url, first.init);
    expect(again.status).toBe(500);
    const text = await again.text();
    expect(text).toContain("InvalidSecurity");
    expect(snapshot(e.dss)).toBe(before);
  });

  it("an unknown certificate id and a wrong PIN: DSSFault with the REST code", async () => {
    const c = transportClient(e.dss.issueSamlToken("demo"));
    const unknown = await refused(e.dss, () => soap.getCertificate(c, { id: 424242 }));
    expect(unknown).toBeInstanceOf(DssSoapFaultError);
    expect((unknown as DssSoapFaultError).dssCode).toBe("certificate_not_found");
    const mine = e.dss.state.certificatesOf("demo")[0]!;
    mine.pin = "1234";
    try {
      const pin = await refused(e.dss, () =>
        soap.signDocument(c, { ...signArgs, certificateID: mine.id, pinCode: "9999" }),
      );
      expect((pin as DssSoapFaultError).dssCode).toBe("invalid_pin");
    } finally {
      mine.pin = "";
    }
  });

  it("a transport endpoint over plain HTTP; a session endpoint refuses what is not a protected envelope", async () => {
    const token = e.dss.issueSamlToken("demo");
    const plain = createSignServiceClient({
      url: `${e.http}/SignServer/SignService.svc/token/transport/nosc`,
      token,
    });
    const f = await refused(e.dss, () => soap.getCertificates(plain, {}));
    expect(f.reason).toMatch(/HTTPS only/);
    for (const kind of ["token", "federation"]) {
      const res = await e.fetch(`${e.https}/SignServer/SignService.svc/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/soap+xml" },
        body: "<x/>",
      });
      expect(res.status).toBe(500);
      expect(await res.text()).toContain("Fault");
    }
  });
});

describe("confirmation: the token's transaction claim", () => {
  let confirmed: Running;
  beforeAll(async () => {
    confirmed = await start({ confirmation: "On" });
  });
  afterAll(() => confirmed?.close());

  // The same on the endpoints with a secure session: the session carries its bootstrap token's claim.
  it.each(["token/transport/nosc", "token/transport", "token"] as const)(
    "%s: without the claim SignDocument is refused; with a confirmed transaction's claim it runs once",
    async (endpoint) => {
      const client = (transactionId?: string) =>
        createSignServiceClient({
          baseUrl: confirmed.https,
          endpoint,
          token: confirmed.dss.issueSamlToken("demo", transactionId ? { transactionId } : {}),
          fetch: confirmed.fetch,
        });
      const content = "подтверждённый документ";
      const denied = await refused(confirmed.dss, () =>
        soap.signDocument(client(), { document: b64(content), signatureType: "CMS" }),
      );
      expect((denied as DssSoapFaultError).dssCode).toBe("authorization_denied");

      const id =
        (
          await soap.createTransactionToken(client(), {
            operationCode: "SignDocument",
            document: b64(content),
            additionalParams: { SignatureType: "CMS" },
          })
        ).CreateTransactionTokenResult ?? "";
      // The identity centre confirms it (its WS-Trust challenge answered, as the user would).
      const tx = confirmed.dss.state.transactions.get(id);
      if (!tx) throw new Error("no transaction");
      tx.state = "confirmed";
      // The transaction's document and parameters are signed.
      const signed = await soap.signDocument(client(id), {});
      const verified = await verifyCms(Buffer.from(signed.SignDocumentResult ?? "", "base64"), {
        content: new TextEncoder().encode(content),
        trusted: [confirmed.dss.caCertificate],
      });
      expect(verified).toMatchObject({ valid: true });
      expect(confirmed.dss.state.transactions.get(id)?.state).toBe("used");
    },
  );
});

describe("token/nosc over HTTP: the proof key signs and encrypts both ways", () => {
  const answers: string[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const text = await res.text();
    answers.push(text);
    return new Response(text, { status: res.status, headers: res.headers });
  };
  let token: ReturnType<DssEmulator["issueSamlToken"]>;
  const client = () =>
    createSignServiceClient({
      baseUrl: e.http,
      endpoint: "token/nosc",
      token,
      fetch: recording,
    });
  beforeAll(() => {
    token = e.dss.issueSamlToken("demo");
  });

  it("GetCertificates, SignDocument and DecryptDocument", async () => {
    const c = client();
    const list = await soap.getCertificates(c, {});
    const mine = list.GetCertificatesResult?.DSSCertificate?.[0];
    expect(mine?.ID).toBe(e.dss.state.certificatesOf("demo")[0]?.id);
    // Nothing of the answer's content travels in clear.
    expect(answers.at(-1)).not.toContain(mine?.CertificateBase64 ?? "-");
    expect(answers.at(-1)).toContain("EncryptedData");

    const signed = await soap.signDocument(c, {
      document: b64("по token/nosc"),
      signatureType: "CMS",
    });
    const verified = await verifyCms(Buffer.from(signed.SignDocumentResult ?? "", "base64"), {
      content: new TextEncoder().encode("по token/nosc"),
      trusted: [e.dss.caCertificate],
    });
    expect(verified).toMatchObject({ valid: true });

    const round = await encryptThenDecrypt(c, mine?.CertificateBase64 ?? "", "секрет");
    expect(round.text).toBe("секрет");
  });

  describe("xmlsec1 verifies the emulator's answers given the proof key", () => {
    let dir = "";
    beforeAll(() => {
      dir = setUpXmlsec1("signservice-xmlsec1-");
    }, 600_000);
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("decrypts the signature and the body, then verifies the signature", async () => {
      await soap.getCertificates(client(), {});
      writeFileSync(join(dir, "answer.xml"), answers.at(-1)!);
      writeFileSync(join(dir, "proof.key"), Buffer.from(token.proofKey, "base64"));
      writeFileSync(join(dir, "wrong.key"), Buffer.alloc(32, 7));
      expect((await decrypt(dir, "wrong.key", "signature", "answer.xml", "no.xml")).code).not.toBe(
        0,
      );
      const sig = await decrypt(dir, "proof.key", "signature", "answer.xml", "signature.xml");
      expect(sig.code, sig.output).toBe(0);
      const plain = await decrypt(dir, "proof.key", "body", "signature.xml", "plain.xml");
      expect(plain.code, plain.output).toBe(0);
      expect(readFileSync(join(dir, "plain.xml"), "utf8")).toContain("GetCertificatesResponse");
      const verify = (key: string) =>
        verifySignature(dir, key, "plain.xml", ["Action", "RelatesTo", "To"]);
      const ok = await verify("proof.key");
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toMatch(/SignedInfo References \(ok\/all\): (\d+)\/\1/);
      expect((await verify("wrong.key")).code).not.toBe(0);
    });
  });
});

describe("metadata", () => {
  it("?wsdl names every port at this host, keeping each endpoint's path; ?xsd serves the schemas", async () => {
    const res = await e.fetch(`${e.https}/SignServer/SignService.svc?wsdl`);
    const wsdl = await res.text();
    expect(res.status).toBe(200);
    for (const kind of ["token", "token/nosc", "token/transport/nosc", "federation/transport"]) {
      expect(wsdl).toContain(`location="${e.https}/SignServer/SignService.svc/${kind}"`);
    }
    expect(wsdl).not.toContain("dss.cryptopro.ru/SignServer");
    expect(wsdl).toContain(`schemaLocation="${e.https}/SignServer/SignService.svc?xsd=xsd0"`);
    const xsd = await e.fetch(`${e.https}/SignServer/SignService.svc?xsd=xsd2`);
    expect(await xsd.text()).toContain("<xs:schema");
  });

  it("/mex answers a WS-Transfer Get with the WSDL and the schemas as metadata sections", async () => {
    const id = "urn:uuid:6a2b1c4e-1d0f-4d8e-9b7a-3c5e2f1a0b9d";
    const res = await e.fetch(`${e.https}/SignServer/SignService.svc/mex`, {
      method: "POST",
      headers: { "content-type": "application/soap+xml; charset=utf-8" },
      body: `<s:Envelope xmlns:s="${SOAP12}" xmlns:a="${WSA}"><s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>${id}</a:MessageID><a:To s:mustUnderstand="1">${e.https}/SignServer/SignService.svc/mex</a:To></s:Header><s:Body/></s:Envelope>`,
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).toContain("http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse");
    expect(text).toMatch(new RegExp(`<a:RelatesTo [^>]*>${id}</a:RelatesTo>`));
    expect(text.match(/<wsx:MetadataSection /g)).toHaveLength(4);
    expect(text).toContain('Dialect="http://schemas.xmlsoap.org/wsdl/"');
    expect(text).toContain(`${e.https}/SignServer/SignService.svc/token/transport/nosc`);
  });
});
