/**
 * Displayed-data documents (DTBS, guide §6.4) in the emulator, through the generated REST
 * clients, the WS-Trust client and the Sign Service SOAP client against `DssEmulator.listen()`
 * on 127.0.0.1 (HTTPS, as the SOAP transport binding needs): a `dtbs` transaction whose document
 * is not a DTBS is refused and nothing is recorded; an `unattendedSign="true"` document is signed
 * without a challenge although the policy confirms every operation; an attended one shows its
 * rows in the challenge.
 */
import { ApiError, bearerAuth } from "@trustspec/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import {
  type DtbsDocument,
  dtbsTransaction,
  dtbsTransactionToken,
  encodeDtbs,
  formatDtbs,
} from "../src/dtbs.js";
import { DssEmulator } from "../src/emulator/index.js";
import * as sign from "../src/generated/signserver/client.gen.js";
import type { Transaction } from "../src/generated/signserver/types.gen.js";
import * as soap from "../src/generated/signservice/client.gen.js";
import * as sts from "../src/generated/sts/client.gen.js";
import { createSignServiceClient } from "../src/soap/client.js";
import { DssSoapFaultError } from "../src/soap/faults.js";
import { issueSecurityToken } from "../src/wstrust/index.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let fetch: typeof globalThis.fetch;
let certificateId: number;

const PAYMENT: DtbsDocument = {
  row: [
    { name: "Номер счёта получателя", value: "1490690623" },
    { name: "Сумма", value: "100" },
  ],
};
const UNATTENDED: DtbsDocument = { unattendedSign: true };

beforeAll(async () => {
  // TransactionConfirmation On: every operation needs a confirmed transaction.
  dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    confirmation: "On",
    responseValidation: "strict",
  });
  server = await dss.listen({ https: true });
  fetch = fetchTrusting(dss.caCertificatePem);
  certificateId = dss.state.certificatesOf("demo")[0]!.id;
});
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString("base64");
const resource = () => `${server.url}/SignServer/rest`;

function signClient(token = dss.issueAccessToken("demo")): sign.DssSignClient {
  return sign.createDssSignClient({
    baseUrl: `${server.url}/SignServer/rest/api`,
    auth: bearerAuth(token),
    validation: "strict",
    retry: false,
    fetch,
  });
}

function stsClient(token = dss.issueAccessToken("demo")): sts.DssStsClient {
  return sts.createDssStsClient({
    baseUrl: `${server.url}/STS`,
    auth: bearerAuth(token),
    validation: "strict",
    retry: false,
    fetch,
  });
}

/** Demo's certificate, CMS, the document's name. */
function options() {
  return { certificateId, signatureType: "CMS" as const, documentInfo: "payment.xml" };
}

/** A signing transaction of `document` on demo's certificate, as dtbsTransaction builds it. */
function transactionOf(document: DtbsDocument): Transaction {
  return dtbsTransaction(document, options());
}

/** The same transaction with another Document (Base64 of `text`), or none. */
function withDocument(text: string | undefined): Transaction {
  const { Document: _, ...rest } = transactionOf(PAYMENT);
  return text === undefined ? rest : { ...rest, Document: b64(text) };
}

/** The error a call expected to fail throws. */
async function failure<E = ApiError>(p: Promise<unknown>, type: unknown = ApiError): Promise<E> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error("the call succeeded");
}

/**
 * Asks the identity centre over WS-Trust (username/transport) for demo's token for the SOAP Sign
 * Service with the transaction claim `tx`, answering each challenge with the one-time password;
 * `labels` receives the challenges' labels.
 */
function wsTrustToken(tx: string, labels: string[]) {
  return issueSecurityToken({
    url: `${server.url}/STS/Active.svc/username/transport`,
    appliesTo: `${server.url}/SignServer/SignService.svc/token/transport/nosc`,
    credentials: { kind: "username", username: "demo", password: "demo" },
    transactionId: tx,
    fetch,
    answer: async (c) => {
      labels.push(c.textChallenges[0]?.label ?? "");
      return "123456";
    },
  });
}

/** What a refused creation must leave as it was. */
function snapshot() {
  return {
    transactions: [...dss.state.transactions.keys()],
    confirmations: dss.state.confirmations.size,
  };
}

describe("a dtbs transaction whose document is not a DTBS is refused at creation", () => {
  const cases: [string, string | undefined, string][] = [
    ["not XML", "Сумма: 100", "invalid_content"],
    [
      "XML of another root",
      '<?xml version="1.0"?><payment xmlns="urn:x"><sum>100</sum></payment>',
      "invalid_content",
    ],
    [
      "dtbs outside its namespace",
      "<dtbs><row><name>Сумма</name><value>100</value></row></dtbs>",
      "invalid_content",
    ],
    [
      'rows with unattendedSign="true"',
      '<dtbs xmlns="http://www.cryptopro.ru/schemas/2014/08/dtbs" unattendedSign="true"><row><name>Сумма</name><value>100</value></row></dtbs>',
      "invalid_content",
    ],
    [
      "a DTD",
      '<!DOCTYPE dtbs [<!ENTITY x "y">]><dtbs xmlns="http://www.cryptopro.ru/schemas/2014/08/dtbs"/>',
      "invalid_content",
    ],
    ["no Document", undefined, "content_required"],
  ];
  for (const [what, text, code] of cases) {
    it(`over REST: ${what} is ${code}, nothing recorded`, async () => {
      const before = snapshot();
      const e = await failure(sign.createTransaction(signClient(), { body: withDocument(text) }));
      expect(e.status).toBe(400);
      expect(e.body).toMatchObject({ Message: code });
      expect(sign.isCreateTransactionError(e)).toBe(true);
      expect(snapshot()).toEqual(before);
    });
  }

  it("the same document under another DocumentType is only a document", async () => {
    const body = withDocument("Сумма: 100");
    const other = {
      ...body,
      Parameters: body.Parameters!.filter((p) => p.Name !== "DocumentType"),
    };
    const id = (await sign.createTransaction(signClient(), { body: other })).data;
    expect(dss.state.transactions.get(id)?.state).toBe("open");
  });

  it("over SOAP: CreateTransactionToken answers the DSSFault invalid_content, nothing recorded", async () => {
    const c = createSignServiceClient({
      baseUrl: server.url,
      endpoint: "token/transport/nosc",
      token: dss.issueSamlToken("demo"),
      fetch,
    });
    const request = { ...dtbsTransactionToken(PAYMENT, options()), document: b64("x") };
    const before = snapshot();
    const e = await failure<DssSoapFaultError>(
      soap.createTransactionToken(c, request),
      DssSoapFaultError,
    );
    expect(e.status).toBe(500);
    expect(e.dssCode).toBe("invalid_content");
    expect(snapshot()).toEqual(before);
    // The well-formed one is accepted over SOAP as over REST.
    const ok = await soap.createTransactionToken(c, dtbsTransactionToken(PAYMENT, options()));
    expect(dss.state.transactions.get(ok.CreateTransactionTokenResult ?? "")?.parameters).toEqual(
      expect.objectContaining({ DocumentType: "dtbs" }),
    );
  });
});

describe('unattendedSign="true": signed without showing or confirming', () => {
  it("the policy confirms everything: a token without a transaction cannot sign", async () => {
    const e = await failure(
      sign.signDocument(signClient(), { body: { Content: b64("x"), Signature: { Type: 5 } } }),
    );
    expect(e.status).toBe(401);
  });

  it("over REST: the confirmation answers IsFinal with the token at once, and that token signs the document", async () => {
    const tx = (await sign.createTransaction(signClient(), { body: transactionOf(UNATTENDED) }))
      .data;
    const first = await sts.confirm(stsClient(), {
      body: { Resource: resource(), TransactionTokenId: tx },
    });
    expect(first.data).toMatchObject({ IsFinal: true, IsError: false, TransactionTokenId: tx });
    expect(first.data.Challenge).toBeUndefined();
    expect(dss.state.transactions.get(tx)?.state).toBe("confirmed");
    const signed = await sign.signDocument(signClient(first.data.AccessToken!), { body: {} });
    const verified = await verifyCms(new Uint8Array(Buffer.from(signed.data, "base64")), {
      content: encodeDtbs(UNATTENDED),
      trusted: [dss.caCertificate],
    });
    expect(verified.valid).toBe(true);
    expect(dss.state.transactions.get(tx)?.state).toBe("used");
    // Once: the transaction is spent, and cannot be confirmed again.
    const again = await failure(
      sign.signDocument(signClient(first.data.AccessToken!), { body: {} }),
    );
    expect(again.status).toBe(401);
    const restart = await failure(
      sts.confirm(stsClient(), { body: { Resource: resource(), TransactionTokenId: tx } }),
    );
    expect(restart.body).toMatchObject({ Error: "invalid_transaction" });
  });

  it("over WS-Trust and SOAP: the token with the transaction claim is issued without a challenge and signs", async () => {
    const tx = (await sign.createTransaction(signClient(), { body: transactionOf(UNATTENDED) }))
      .data;
    const challenges: string[] = [];
    const outcome = await wsTrustToken(tx, challenges);
    expect(outcome).toMatchObject({ status: "issued", attempts: 0 });
    expect(challenges).toEqual([]);
    if (outcome.status !== "issued") return;
    const c = createSignServiceClient({
      baseUrl: server.url,
      endpoint: "token/transport/nosc",
      token: outcome.token,
      fetch,
    });
    const signed = await soap.signDocument(c, {
      signatureType: "CMS",
      signatureParams: { IsDetached: "true" },
    });
    const verified = await verifyCms(
      new Uint8Array(Buffer.from(signed.SignDocumentResult ?? "", "base64")),
      { content: encodeDtbs(UNATTENDED), trusted: [dss.caCertificate] },
    );
    expect(verified.valid).toBe(true);
    expect(dss.state.transactions.get(tx)?.state).toBe("used");
  });
});

describe("an attended dtbs transaction shows its rows in the challenge", () => {
  it("the confirmation service's Label ends with the rows as formatDtbs gives them", async () => {
    const tx = (await sign.createTransaction(signClient(), { body: transactionOf(PAYMENT) })).data;
    const first = await sts.confirm(stsClient(), {
      body: { Resource: resource(), TransactionTokenId: tx },
    });
    expect(first.data).toMatchObject({ IsFinal: false, IsError: false });
    const challenge = first.data.Challenge!.TextChallenge[0]!;
    expect(challenge.Label).toBe(
      `Подпись документа. payment.xml. Тип подписи: CMS. Сертификат: ${certificateId}. ${formatDtbs(PAYMENT)}`,
    );
    expect(formatDtbs(PAYMENT)).toBe("Номер счёта получателя : 1490690623, Сумма : 100");
    const last = await sts.confirm(stsClient(), {
      body: {
        Resource: resource(),
        ChallengeResponse: { TextChallengeResponse: [{ RefId: challenge.RefID, Value: "123456" }] },
      },
    });
    expect(last.data).toMatchObject({ IsFinal: true, IsError: false });
    const signed = await sign.signDocument(signClient(last.data.AccessToken!), { body: {} });
    const verified = await verifyCms(new Uint8Array(Buffer.from(signed.data, "base64")), {
      content: encodeDtbs(PAYMENT),
      trusted: [dss.caCertificate],
    });
    expect(verified.valid).toBe(true);
  });

  it("the WS-Trust challenge shows the same Label, the rows once", async () => {
    const tx = (await sign.createTransaction(signClient(), { body: transactionOf(PAYMENT) })).data;
    const labels: string[] = [];
    const outcome = await wsTrustToken(tx, labels);
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    expect(labels).toEqual([
      `Подпись документа. payment.xml. Тип подписи: CMS. Сертификат: ${certificateId}. ${formatDtbs(PAYMENT)}`,
    ]);
  });
});
