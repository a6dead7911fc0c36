/**
 * The emulator's SOAP Sign Service (`SignService.svc`) over `token/transport/nosc` on HTTPS
 * (127.0.0.1): all 23 operations through the Sign Service client with the SAML token the
 * emulator's identity centre issues, sharing certificates, requests, transactions and policy with
 * the REST Signature Service.
 */
import { bearerAuth } from "@trustspec/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCertificate, verifyCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import * as rest from "../src/generated/signserver/client.gen.js";
import * as soap from "../src/generated/signservice/client.gen.js";
import { createSignServiceClient, type SignServiceClient } from "../src/soap/client.js";
import { DssSoapFaultError } from "../src/soap/faults.js";
import { encryptThenDecrypt, fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let fetch: typeof globalThis.fetch;

beforeAll(async () => {
  // The default accounts: the user demo and the operator operator.
  dss = await DssEmulator.create({ ca: await testCa(), keyAlgorithm: "ECDSA" });
  server = await dss.listen({ https: true });
  fetch = fetchTrusting(dss.caCertificatePem);
});
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

/** A Sign Service client of `login` over token/transport/nosc. */
function soapClient(login = "demo", transactionId?: string): SignServiceClient {
  return createSignServiceClient({
    baseUrl: server.url,
    endpoint: "token/transport/nosc",
    token: dss.issueSamlToken(login, transactionId ? { transactionId } : {}),
    fetch,
  });
}

/** A REST client of `login` with a bearer token. */
function restClient(login = "demo"): rest.DssSignClient {
  return rest.createDssSignClient({
    baseUrl: `${server.url}/SignServer/rest/api`,
    auth: bearerAuth(dss.issueAccessToken(login)),
    retry: false,
    fetch,
  });
}

const b64 = (text: string) => Buffer.from(text).toString("base64");
const bytes = (base64: string | null | undefined) =>
  new Uint8Array(Buffer.from(base64 ?? "", "base64"));

async function fault(p: Promise<unknown>): Promise<DssSoapFaultError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DssSoapFaultError);
  const f = e as DssSoapFaultError;
  expect(f.status).toBe(500);
  return f;
}

describe("SignService.svc token/transport/nosc over HTTPS", () => {
  it("GetCertificates and GetCertificate show the certificates the REST interface shows", async () => {
    const c = soapClient();
    const listed = (await soap.getCertificates(c, {})).GetCertificatesResult?.DSSCertificate ?? [];
    const overRest = (await rest.listCertificates(restClient())).data;
    expect(listed.map((x) => x?.ID)).toEqual(overRest.map((x) => x.ID));
    expect(listed[0]?.Status?.Value).toBe("ACTIVE");
    const one = await soap.getCertificate(c, { id: overRest[0]!.ID });
    expect(one.GetCertificateResult?.CertificateBase64).toBe(overRest[0]!.CertificateBase64);
    const raw = await soap.getCertificateContent(c, { id: overRest[0]!.ID, format: "RAW" });
    expect(raw.GetCertificateContentResult).toBeTruthy();
  });

  it("SignDocument makes a CMS that verifies against the emulator's CA", async () => {
    const c = soapClient();
    const content = new TextEncoder().encode("документ по SOAP");
    const signed = await soap.signDocument(c, {
      document: Buffer.from(content).toString("base64"),
      signatureType: "CMS",
      signatureParams: { IsDetached: "true" },
    });
    const verified = await verifyCms(bytes(signed.SignDocumentResult), {
      content,
      trusted: [dss.caCertificate],
    });
    expect(verified).toMatchObject({ valid: true });
  });

  it("SignDocuments signs each document and reports an empty one as its own error", async () => {
    const signed = await soap.signDocuments(soapClient(), {
      documents: { base64Binary: [b64("один"), null, b64("три")] },
      signatureType: "CAdES",
    });
    const r = signed.SignDocumentsResult;
    expect(r?.Results?.base64Binary?.map((x) => x !== null)).toEqual([true, false, true]);
    expect(r?.Errors?.DSSFault).toEqual([
      { Code: "content_required", Message: "Document 1 is empty." },
    ]);
    const third = await verifyCms(bytes(r?.Results?.base64Binary?.[2]), {
      content: new TextEncoder().encode("три"),
      trusted: [dss.caCertificate],
    });
    expect(third).toMatchObject({ valid: true });
  });

  it("EnhanceSignature answers the REST interface's tsp_error (no time-stamp service)", async () => {
    const c = soapClient();
    const signed = await soap.signDocument(c, { document: b64("x"), signatureType: "CMS" });
    const f = await fault(
      soap.enhanceSignature(c, {
        document: signed.SignDocumentResult ?? null,
        signatureType: "CAdES",
        signatureParams: { CADESType: "T", TSPAddress: "http://tsp.example/tsp.srf" },
      }),
    );
    expect(f.dssCode).toBe("tsp_error");
  });

  it("DecryptDocument opens what EncryptDocument made for the user's certificate", async () => {
    const c = soapClient();
    const mine = (await soap.getCertificates(c, {})).GetCertificatesResult?.DSSCertificate?.[0];
    const round = await encryptThenDecrypt(c, mine?.CertificateBase64 ?? "", "секрет");
    expect(round).toEqual({ text: "секрет", certificateIds: [mine?.ID] });
  });

  it("a request made over SOAP is seen over REST; the operator accepts it over SOAP; its certificate is the user's on both", async () => {
    const user = soapClient();
    const made = await soap.createRequest(user, {
      dName: "CN=Запрос SOAP, O=Test",
      caId: 2,
      pinCode: "",
    });
    const id = made.CreateRequestResult ?? 0;
    const overRest = (await rest.getRequest(restClient(), { path: { key: id } })).data;
    expect(overRest.Status).toBe("PENDING");
    const got = await soap.getRequest(user, { id });
    expect(got.GetRequestResult).toMatchObject({
      ID: id,
      Status: "PENDING",
      RequestType: "Certificate",
    });
    const listed = await soap.getRequests(user, {});
    expect(listed.GetRequestsResult?.DSSCertRequest?.map((r) => r?.ID)).toContain(id);
    const content = await soap.getRequestContent(user, {
      id: String(id),
      requestType: "Certificate",
      caId: 2,
      format: "RAW",
    });
    expect(content.GetRequestContentResult).toBe(overRest.Base64Request);

    await soap.setRequestStatus(soapClient("operator"), {
      status: {
        ID: String(id),
        Status: "ACCEPTED",
        Type: "Certificate",
        CertificateAuthorityID: 2,
      },
    });
    const accepted = await soap.getRequest(user, { id });
    expect(accepted.GetRequestResult?.Status).toBe("ACCEPTED");
    const certId = accepted.GetRequestResult?.CertificateID ?? 0;
    const cert = (await rest.getCertificate(restClient(), { path: { key: certId } })).data;
    expect(describeCertificate(bytes(cert.CertificateBase64)).subject).toContain("Запрос SOAP");

    await soap.deleteRequest(user, { id });
    await expect(rest.getRequest(restClient(), { path: { key: id } })).rejects.toThrow();
  });

  it("CreateRequestEx with request parameters; a certificate installed over SOAP (Base64 and DER) is seen over REST", async () => {
    const user = soapClient();
    const first = await soap.createRequestEx(user, {
      dName: "CN=Внешний 1",
      caId: 2,
      requestParams: { EkuString: "1.3.6.1.5.5.7.3.2" },
    });
    const second = await soap.createRequestEx(user, { dName: "CN=Внешний 2", caId: 2 });
    const der1 = await dss.issueOutOfBandCertificate(first.CreateRequestExResult ?? 0);
    const der2 = await dss.issueOutOfBandCertificate(second.CreateRequestExResult ?? 0);
    const a = await soap.installCertificateBase64(user, {
      base64Certificate: Buffer.from(der1).toString("base64"),
    });
    const b = await soap.installCertificateDer(user, {
      binaryCertificate: Buffer.from(der2).toString("base64"),
    });
    const ids = (await rest.listCertificates(restClient())).data.map((c) => c.ID);
    expect(ids).toContain(a.InstallCertificateBase64Result?.ID);
    expect(ids).toContain(b.InstallCertificateDerResult?.ID);

    // Made default over SOAP, seen over REST; deleted over SOAP, gone over REST.
    const idA = a.InstallCertificateBase64Result?.ID ?? 0;
    await soap.setCertificateProperty(user, {
      id: idA,
      property: { PropertyType: "IsDefault", Value: "true" },
    });
    expect((await rest.getCertificate(restClient(), { path: { key: idA } })).data.IsDefault).toBe(
      true,
    );
    await soap.deleteCertificate(user, { id: b.InstallCertificateDerResult?.ID ?? 0 });
    expect((await rest.listCertificates(restClient())).data.map((c) => c.ID)).not.toContain(
      b.InstallCertificateDerResult?.ID,
    );
  });

  it("a certificate made over REST is revoked over SOAP, with its revocation request listed", async () => {
    const made = (
      await rest.createRequest(restClient(), {
        body: { AuthorityId: 1, DistinguishedName: { "2.5.4.3": "Отзываемый" } },
      })
    ).data;
    const certId = made.CertificateID;
    const user = soapClient();
    const seen = await soap.getCertificate(user, { id: certId });
    expect(seen.GetCertificateResult?.DName).toContain("Отзываемый");
    await soap.setCertificateProperty(user, {
      id: certId,
      property: { PropertyType: "Status", Value: "REVOKED" },
    });
    const after = (await rest.getCertificate(restClient(), { path: { key: certId } })).data;
    expect(after.Status.Value).toBe(2); // REVOKED
    const revokes = await soap.getRevokeRequests(user, { certId });
    const rr = revokes.GetRevokeRequestsResult?.DSSRevRequest?.[0];
    expect(rr?.Status).toBe("ACCEPTED");
    expect(rr?.revInfo?.RevocationReason).toBe("CRL_REASON_UNSPECIFIED");
    const content = await soap.getRequestContent(user, {
      id: rr?.ID ?? "",
      requestType: "RevokeRequest",
      caId: 0,
      format: "RAW",
    });
    expect(content.GetRequestContentResult).toBe(rr?.Base64Request);
  });

  it("a hold asked for over SOAP waits for the operator, who accepts the revocation request over SOAP", async () => {
    const user = soapClient();
    const requested = await soap.createRequest(user, { dName: "CN=Приостанавливаемый", caId: 2 });
    const id = requested.CreateRequestResult ?? 0;
    const operator = soapClient("operator");
    await soap.setRequestStatus(operator, {
      status: {
        ID: String(id),
        Status: "ACCEPTED",
        Type: "Certificate",
        CertificateAuthorityID: 2,
      },
    });
    const certId = (await soap.getRequest(user, { id })).GetRequestResult?.CertificateID ?? 0;
    await soap.setCertificateProperty(user, {
      id: certId,
      property: { PropertyType: "Status", Value: "HOLD" },
    });
    const pending = (await soap.getRevokeRequests(user, { certId })).GetRevokeRequestsResult
      ?.DSSRevRequest?.[0];
    expect(pending?.Status).toBe("PENDING");
    expect(
      (await soap.getCertificate(user, { id: certId })).GetCertificateResult?.Status?.Value,
    ).toBe("ACTIVE");
    await soap.setRequestStatus(operator, {
      status: {
        ID: pending?.ID ?? "",
        Status: "ACCEPTED",
        Type: "RevokeRequest",
        CertificateAuthorityID: 2,
      },
    });
    const held = (await rest.getCertificate(restClient(), { path: { key: certId } })).data;
    expect(held.Status.Value).toBe(3); // HOLD
  });

  it("GetDSSPolicy is the REST policy in the SOAP data contract", async () => {
    const p = (await soap.getDSSPolicy(soapClient(), {})).GetDSSPolicyResult;
    expect(p?.CAPolicy?.DSSCAPolicy?.map((c) => c?.ID)).toEqual(
      dss.policy.CAPolicy.map((c) => c.ID),
    );
    expect(p?.AllowedSignatureType?.SignatureType).toEqual(["CMS", "CAdES"]);
    expect(p?.TransactionConfirmation).toBe("NotSet");
  });

  it("GetTransactionID numbers; CreateTransactionToken makes a transaction the REST side knows", async () => {
    const c = soapClient();
    const a = (await soap.getTransactionID(c, {})).GetTransactionIDResult ?? 0;
    const b = (await soap.getTransactionID(c, {})).GetTransactionIDResult ?? 0;
    expect(b).toBeGreaterThan(a);
    const id = (
      await soap.createTransactionToken(c, {
        operationCode: "SignDocument",
        document: b64("подтверждаемый"),
        additionalParams: { SignatureType: "CMS" },
      })
    ).CreateTransactionTokenResult;
    expect(dss.state.transactions.get(id ?? "")).toMatchObject({ action: "SignDocument" });
  });

  it("unknown certificate id and wrong PIN are DSSFaults", async () => {
    const answers: string[] = [];
    const c = createSignServiceClient({
      baseUrl: server.url,
      token: dss.issueSamlToken("demo"),
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const text = await res.text();
        answers.push(text);
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
    expect((await fault(soap.getCertificate(c, { id: 999_999 }))).dssCode).toBe(
      "certificate_not_found",
    );
    // With the WSDL's fault action of the operation.
    expect(answers[0]).toContain(
      ">http://dss.cryptopro.ru/services/2014/06/ISignService/GetCertificateDSSFaultFault<",
    );
    const made = (
      await rest.createRequest(restClient(), {
        body: { AuthorityId: 1, PinCode: "1234", DistinguishedName: { "2.5.4.3": "С ПИН" } },
      })
    ).data;
    const f = await fault(
      soap.signDocument(c, {
        document: b64("x"),
        signatureType: "CMS",
        certificateID: made.CertificateID,
        pinCode: "0000",
      }),
    );
    expect(f.dssCode).toBe("invalid_pin");
  });
});
