/**
 * The emulator's identity centre over WS-Trust 1.3 (guide §6.3.1, Table 96), through the real
 * WS-Trust client over HTTP(S) on 127.0.0.1: signed SAML tokens with their proof keys and
 * references, the interactive challenge for the sign-in second factor and for transactions (on
 * the confirmation service the OAuth side uses), issued-token exchange, TLS client certificates,
 * and typed faults over HTTP 500 that quote no secret.
 */
import { randomUUID } from "node:crypto";
import { buildEnvelope } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dtbsTransaction, formatDtbs } from "../src/dtbs.js";
import { DSS_CLAIM_NAMESPACE } from "../src/emulator/index.js";
import {
  signedSamlAssertion,
  transportSecurityHeader,
  verifyTransportSecurity,
} from "../src/wssecurity/index.js";
import {
  DSS_CLAIMS,
  issueSecurityToken,
  requestSecurityTokenXml,
  trustEnvelope,
  usernameTokenHeader,
  WSTRUST_ACTIONS,
  WSTRUST_NS,
  type WsTrustIssueOptions,
  wsTrustTokenProvider,
} from "../src/wstrust/index.js";
import { call, passwordToken, type Running, start } from "./emulator-support.js";

const SIGN = "https://dss.example/SignServer/SignService.svc/token/transport/nosc";
let run: Running;
let sts: string;

beforeAll(async () => {
  run = await start({
    users: [
      { login: "demo", password: "demo" },
      { login: "second", password: "second", loginConfirmation: true, otp: "654321" },
      { login: "locked", password: "locked" },
      { login: "phone", password: "phone", confirmation: "mydss" },
    ],
    maxOtpAttempts: 3,
    transactionLifetimeSeconds: 120,
  });
  run.dss.state.users.get("locked")!.locked = true;
  sts = `${run.url}/STS/Active.svc`;
});
afterAll(() => run?.close());

const as = (username: string, password = username) => ({
  appliesTo: SIGN,
  credentials: { kind: "username" as const, username, password },
});

/** Verifies a token as the Sign Service would, with the emulator's published certificate. */
async function verify(token: { tokenXml: string; proofKey?: string; keyIdentifier?: string }) {
  const envelope = buildEnvelope(
    "1.2",
    '<GetCertificates xmlns="http://dss.cryptopro.ru/services/2014/06/"/>',
    [
      transportSecurityHeader({
        token: {
          tokenXml: token.tokenXml,
          proofKey: token.proofKey!,
          keyIdentifier: token.keyIdentifier!,
        },
      }),
    ],
  );
  return verifyTransportSecurity(envelope, {
    issuerKey: run.dss.stsCertificatePem,
    issuer: run.dss.stsIssuer,
    audiences: [SIGN],
    proofKey: (id) => run.dss.state.samlTokens.get(id)?.proofKey,
    now: () => new Date(run.dss.state.nowMs()),
  });
}

async function createTx(token: string, body: object): Promise<string> {
  const a = await call(`${run.url}/SignServer/rest/api/transactions`, "POST", { token, body });
  expect(a.status).toBe(200);
  return JSON.parse(a.text) as string;
}

async function signTx(login: string): Promise<string> {
  return createTx(await passwordToken(run.url, login), {
    OperationCode: "SignDocument",
    Parameters: [
      { Name: "SignatureType", Value: "CMS" },
      { Name: "DocumentInfo", Value: "Договор" },
    ],
    Document: Buffer.from("документ").toString("base64"),
  });
}

describe("WS-Trust at /STS/Active.svc (UsernameToken)", () => {
  it("issues a SAML 1.1 token signed by the identity centre, with its proof key and 10-minute lifetime", async () => {
    const outcome = await issueSecurityToken({ ...as("demo"), url: sts });
    expect(outcome).toMatchObject({ status: "issued", attempts: 0 });
    if (outcome.status !== "issued") return;
    const token = outcome.token;
    expect(token).toMatchObject({
      tokenType: "urn:oasis:names:tc:SAML:1.0:assertion",
      keySize: 256,
      appliesTo: SIGN,
    });
    expect(Buffer.from(token.proofKey!, "base64")).toHaveLength(32);
    expect(Date.parse(token.expires!) - Date.parse(token.created!)).toBe(600_000);
    expect(token.tokenXml).toContain(`AssertionID="${token.keyIdentifier}"`);
    const record = run.dss.state.samlTokens.get(token.keyIdentifier!);
    expect(record).toMatchObject({ subject: "demo", audience: SIGN, proofKey: token.proofKey });
    expect(record).not.toHaveProperty("transactionId");
    const verified = await verify(token);
    expect(verified).toMatchObject({ subject: "demo", issuer: run.dss.stsIssuer });
  });

  it("answers in the guide's shape: IssueFinal, both references by SAMLAssertionID, SymmetricKey", async () => {
    const res = await fetch(sts, {
      method: "POST",
      headers: {
        "content-type": `application/soap+xml; charset=utf-8; action="${WSTRUST_ACTIONS.issue}"`,
      },
      body: trustEnvelope(WSTRUST_ACTIONS.issue, requestSecurityTokenXml({ appliesTo: SIGN }), [
        usernameTokenHeader("demo", "demo"),
      ]),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(WSTRUST_ACTIONS.issueFinal);
    for (const part of ["RequestedAttachedReference", "RequestedUnattachedReference"]) {
      expect(text).toMatch(
        new RegExp(
          `<trust:${part}><o:SecurityTokenReference[^>]*k:TokenType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1"[^>]*><o:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID">_`,
        ),
      );
    }
    expect(text).toContain(
      "<trust:KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey</trust:KeyType>",
    );
  });

  it("the token provider gives the token as received, cached", async () => {
    let asked = 0;
    const provider = wsTrustTokenProvider({
      ...as("demo"),
      url: sts,
      fetch: (input, init) => {
        asked++;
        return fetch(input, init);
      },
    });
    const first = await provider.getToken();
    expect(first).toMatch(/^<saml:Assertion /);
    expect(await provider.getToken()).toBe(first);
    expect(asked).toBe(1);
  });

  it("a wrong password, an unknown user and a locked user are refused alike, over HTTP 500, quoting nothing", async () => {
    for (const [username, password] of [
      ["demo", "secret-wrong"],
      ["nobody", "secret-nobody"],
      ["locked", "locked"],
    ] as const) {
      const outcome = await issueSecurityToken({ ...as(username, password), url: sts });
      expect(outcome).toMatchObject({
        status: "refused",
        fault: {
          status: 500,
          faultCode: "Sender",
          subcode: { ns: WSTRUST_NS.trust, local: "FailedAuthentication" },
          reason: "The user name or password is not accepted.",
        },
      });
      expect(JSON.stringify(outcome)).not.toContain(password);
    }
    expect([...run.dss.state.samlTokens.values()].some((t) => t.subject === "locked")).toBe(false);
  });

  it("refuses what it does not issue: another RequestType or KeyType (wst:InvalidRequest)", async () => {
    const bearer = await issueSecurityToken({
      ...as("demo"),
      url: sts,
      keyType: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer",
    });
    expect(bearer).toMatchObject({
      status: "fault",
      fault: { status: 500, subcode: { local: "InvalidRequest" } },
    });
  });

  it("malformed XML and a DOCTYPE get a SOAP 1.2 fault, nothing expanded", async () => {
    for (const body of ['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "<s:Envelope"]) {
      const res = await fetch(sts, {
        method: "POST",
        headers: {
          "content-type": `application/soap+xml; charset=utf-8; action="${WSTRUST_ACTIONS.issue}"`,
        },
        body,
      });
      expect(res.status).toBe(500);
      expect(await res.text()).toContain("<s:Value>s:Sender</s:Value>");
    }
  });
});

describe("the interactive challenge", () => {
  it("a user with sign-in confirmation answers the one-time password", async () => {
    const labels: string[] = [];
    const outcome = await issueSecurityToken({
      ...as("second"),
      url: sts,
      answer: async (c) => {
        labels.push(`${c.title}|${c.textChallenges[0]!.label}`);
        return "654321";
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    expect(labels).toEqual([
      "Введите одноразовый пароль для подтверждения операции|Введите одноразовый пароль для подтверждения входа",
    ]);
    if (outcome.status === "issued") expect((await verify(outcome.token)).subject).toBe("second");
  });

  it("a wrong code gets a new challenge saying so, then the right one the token; the code is never quoted", async () => {
    const answers = ["000111", "654321"];
    const labels: string[] = [];
    const outcome = await issueSecurityToken({
      ...as("second"),
      url: sts,
      answer: async (c) => {
        labels.push(c.textChallenges[0]!.label ?? "");
        return answers.shift()!;
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 2 });
    expect(labels[1]).toMatch(/^Неверный одноразовый пароль\./);
    expect(labels.join()).not.toContain("000111");
  });

  it("too many wrong codes end with wst:FailedAuthentication (maxOtpAttempts)", async () => {
    const outcome = await issueSecurityToken({
      ...as("second"),
      url: sts,
      maxAnswers: 5,
      answer: async () => "999999",
    });
    expect(outcome).toMatchObject({
      status: "maxAttempts",
      attempts: 3,
      limitedBy: "server",
      fault: { status: 500, subcode: { local: "FailedAuthentication" } },
    });
    expect(JSON.stringify(outcome)).not.toContain("999999");
  });

  it("without an answer the exchange ends at the challenge; no token is issued", async () => {
    const before = run.dss.state.samlTokens.size;
    const outcome = await issueSecurityToken({ ...as("second"), url: sts });
    expect(outcome).toMatchObject({ status: "challengeUnanswered" });
    expect(run.dss.state.samlTokens.size).toBe(before);
  });

  it("confirms a transaction: the challenge shows its DTBS, the token carries the claim, the transaction is confirmed", async () => {
    const certificate = run.dss.state.certificatesOf("demo")[0]!;
    const document = {
      row: [
        { name: "Получатель", value: "ООО Ромашка" },
        { name: "Сумма", value: "100 руб." },
      ],
    };
    const tx = await createTx(
      await passwordToken(run.url, "demo"),
      dtbsTransaction(document, {
        certificateId: certificate.id,
        signatureType: "CMS",
        documentInfo: "payment.xml",
      }),
    );
    const labels: string[] = [];
    const outcome = await issueSecurityToken({
      ...as("demo"),
      url: sts,
      transactionId: tx,
      answer: async (c) => {
        labels.push(c.textChallenges[0]!.label ?? "");
        return "123456";
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    if (outcome.status !== "issued") return;
    expect(labels[0]).toContain(formatDtbs(document));
    expect(run.dss.state.transactions.get(tx)?.state).toBe("confirmed");
    expect(run.dss.state.samlTokens.get(outcome.token.keyIdentifier!)?.transactionId).toBe(tx);
    const verified = await verify(outcome.token);
    expect(verified.attributes).toContainEqual({
      name: "dsstransactiontokenid",
      namespace: DSS_CLAIM_NAMESPACE,
      values: [tx],
    });
  });

  it("a confirmation scope (§6.7.1) is confirmed on the same service, the RST's confirmation text shown", async () => {
    const labels: string[] = [];
    const outcome = await issueSecurityToken({
      ...as("demo"),
      url: sts,
      additionalContext: [
        { name: DSS_CLAIMS.confirmationScope, value: "payments" },
        { name: DSS_CLAIMS.confirmationText, value: "Платёж на 100 руб." },
      ],
      answer: async (c) => {
        labels.push(c.textChallenges[0]!.label ?? "");
        return "123456";
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    expect(labels).toEqual(["Подтверждение операции: payments Платёж на 100 руб."]);
    const confirmed = [...run.dss.state.confirmations.values()].filter(
      (c) => c.owner === "demo" && c.scope === "payments",
    );
    expect(confirmed.map((c) => c.state)).toEqual(["confirmed"]);
  });

  it("a transaction of another user or unknown: wst:InvalidRequest, no challenge", async () => {
    const tx = await signTx("second");
    for (const id of [tx, randomUUID()]) {
      const outcome = await issueSecurityToken({
        ...as("demo"),
        url: sts,
        transactionId: id,
        answer: async () => "123456",
      });
      expect(outcome).toMatchObject({
        status: "fault",
        fault: { subcode: { local: "InvalidRequest" } },
      });
    }
    expect(run.dss.state.transactions.get(tx)?.state).toBe("open");
  });

  it("an answer after the transaction expired: wst:ExpiredData, the transaction failed", async () => {
    const tx = await signTx("demo");
    const outcome = await issueSecurityToken({
      ...as("demo"),
      url: sts,
      transactionId: tx,
      answer: async () => {
        run.advance(121);
        return "123456";
      },
    });
    expect(outcome).toMatchObject({
      status: "expired",
      fault: { status: 500, subcode: { local: "ExpiredData" } },
    });
    expect(run.dss.state.transactions.get(tx)?.state).toBe("failed");
  });

  it("myDSS: answers wait for the phone; once it approves, the token", async () => {
    const tx = await signTx("phone");
    const titles: string[] = [];
    const outcome = await issueSecurityToken({
      ...as("phone"),
      url: sts,
      transactionId: tx,
      answer: async (c, ctx) => {
        titles.push(c.title ?? "");
        if (ctx.attempt === 2) run.dss.approveTransaction(tx);
        return "";
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 2 });
    expect(titles[0]).toMatch(/приложения/);
    expect(run.dss.state.transactions.get(tx)?.state).toBe("confirmed");
  });

  it("myDSS: a declined confirmation ends with wst:RequestFailed", async () => {
    const tx = await signTx("phone");
    const outcome = await issueSecurityToken({
      ...as("phone"),
      url: sts,
      transactionId: tx,
      answer: async () => {
        run.dss.declineTransaction(tx);
        return "";
      },
    });
    expect(outcome).toMatchObject({
      status: "declined",
      fault: { subcode: { local: "RequestFailed" } },
    });
  });
});

describe("issued-token exchange at /STS/Active.svc/issuedtoken", () => {
  const exchange = (tokenXml: string): WsTrustIssueOptions => ({
    url: `${sts}/issuedtoken`,
    appliesTo: SIGN,
    credentials: { kind: "issuedToken", tokenXml },
  });

  it("a token the emulator issued gets a new one for the same user", async () => {
    const first = await issueSecurityToken({ ...as("demo"), url: sts });
    if (first.status !== "issued") throw new Error(first.status);
    const second = await issueSecurityToken(exchange(first.token.tokenXml));
    expect(second).toMatchObject({ status: "issued" });
    if (second.status !== "issued") return;
    expect(second.token.keyIdentifier).not.toBe(first.token.keyIdentifier);
    expect((await verify(second.token)).subject).toBe("demo");
  });

  it("refuses a changed token, one signed by another key, one not on record and an expired one", async () => {
    const first = await issueSecurityToken({ ...as("demo"), url: sts });
    if (first.status !== "issued") throw new Error(first.status);
    const record = run.dss.state.samlTokens.get(first.token.keyIdentifier!)!;
    const { privateKey } = await import("node:crypto").then((c) =>
      c.generateKeyPairSync("rsa", { modulusLength: 2048 }),
    );
    const foreign = signedSamlAssertion({
      issuer: run.dss.stsIssuer,
      signingKey: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      audience: SIGN,
      subject: "demo",
      notBefore: new Date(record.issuedAt),
      notOnOrAfter: new Date(record.expiresAt),
      assertionId: record.assertionId,
    });
    const unrecorded = run.dss.issueSamlToken("demo", { audience: SIGN });
    run.dss.state.samlTokens.delete(unrecorded.keyIdentifier);
    for (const tokenXml of [
      first.token.tokenXml.replace(">demo<", ">second<"),
      foreign,
      unrecorded.tokenXml,
    ]) {
      expect(await issueSecurityToken(exchange(tokenXml))).toMatchObject({
        status: "refused",
        fault: { status: 500, reason: "The security token is not accepted." },
      });
    }
    run.advance(601);
    expect(await issueSecurityToken(exchange(first.token.tokenXml))).toMatchObject({
      status: "refused",
    });
  });

  it("the UsernameToken does not authenticate at the issued-token endpoint", async () => {
    expect(await issueSecurityToken({ ...as("demo"), url: `${sts}/issuedtoken` })).toMatchObject({
      status: "refused",
      fault: { reason: "The security token is not accepted." },
    });
  });
});

describe("transport endpoints", () => {
  it("refuse plain HTTP (wst:InvalidRequest)", async () => {
    for (const path of ["/username/transport", "/issuedtoken/transport", "/cert"]) {
      const outcome = await issueSecurityToken({ ...as("demo"), url: `${sts}${path}` });
      expect(outcome).toMatchObject({
        status: "fault",
        fault: { status: 500, subcode: { local: "InvalidRequest" } },
      });
    }
  });

  it("an unknown path under Active.svc is 404", async () => {
    const res = await fetch(`${sts}/windows`, { method: "POST", body: "" });
    expect(res.status).toBe(404);
  });
});
