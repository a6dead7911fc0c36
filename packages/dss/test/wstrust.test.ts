/**
 * WS-Trust 1.3 with the identity centre: the guide's five messages (6.3.1, 6.7.1; copied from
 * the guide into test/fixtures/wstrust) parse into our types and our builders produce messages
 * equal to them once canonicalised (namespaces resolved, attributes sorted, whitespace between
 * elements dropped); the client runs the challenge exchange against a mock STS over HTTP.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listen } from "@trustspec/runtime/server";
import { childElements, parseEnvelope, parseXml } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  challengeResponseXml,
  DSS_CLAIMS,
  issueSecurityToken,
  parseRequestSecurityToken,
  parseTrustResponse,
  requestSecurityTokenXml,
  trustEnvelope,
  WSTRUST_ACTIONS,
  wsTrustTokenProvider,
} from "../src/index.js";
import { createMockSts } from "../src/server.js";

const dir = join(import.meta.dirname, "fixtures", "wstrust");
const fixture = (name: string) => readFileSync(join(dir, name), "utf8");
const body = (xml: string) => parseEnvelope(xml, "1.2").body;

type El = ReturnType<typeof parseXml>;
/** A canonical text of an element: names with namespaces, sorted attributes, trimmed text. */
function canonical(el: El): string {
  const attrs: string[] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    if (a.name === "xmlns" || a.name.startsWith("xmlns:")) continue;
    attrs.push(`{${a.namespaceURI ?? ""}}${a.localName}=${JSON.stringify(a.value)}`);
  }
  const kids = childElements(el);
  const inner = kids.length
    ? kids.map(canonical).join("")
    : JSON.stringify((el.textContent ?? "").trim());
  return `<{${el.namespaceURI ?? ""}}${el.localName} ${attrs.sort().join(" ")}>${inner}</>`;
}
const action = (xml: string) =>
  parseEnvelope(xml, "1.2").headers.find((h) => h.localName === "Action")?.textContent;

describe("the guide's WS-Trust messages", () => {
  it("01: the RST with the transaction claims parses, and ours is equal to it", () => {
    const xml = fixture("01-RST-Issue-with-transaction-claims.xml");
    const rst = parseRequestSecurityToken(body(xml));
    expect(rst).toMatchObject({
      appliesTo: "https://dss.cryptopro.ru/SignServer/SignService.svc/token/transport/nosc",
      transactionId: "5904CE31-B789-45BA-89CB-750F194CFE54",
      keyType: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey",
      requestType: "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
    });
    expect(rst.claims.map((c) => c.uri)).toEqual([
      DSS_CLAIMS.transactionTokenId,
      DSS_CLAIMS.transactionExpireDate,
    ]);
    const ours = trustEnvelope(
      WSTRUST_ACTIONS.issue,
      requestSecurityTokenXml({
        appliesTo: rst.appliesTo!,
        transactionId: rst.transactionId!,
        transactionExpireDate: true,
      }),
    );
    expect(canonical(body(ours))).toBe(canonical(body(xml)));
    expect(action(ours)).toBe(action(xml));
  });

  it("accepts the transaction claim under the name the text uses (dsstransactionid) too", () => {
    const xml = fixture("01-RST-Issue-with-transaction-claims.xml").replace(
      "dsstransactiontokenid",
      "dsstransactionid",
    );
    expect(parseRequestSecurityToken(body(xml)).transactionId).toBe(
      "5904CE31-B789-45BA-89CB-750F194CFE54",
    );
  });

  it("02: the RSTR with the InteractiveChallenge parses", () => {
    const parsed = parseTrustResponse(body(fixture("02-RSTR-InteractiveChallenge.xml")));
    expect(parsed).toEqual({
      kind: "challenge",
      appliesTo: "http://localhost/SignService/",
      challenge: {
        title: "На ваш номер отправлено SMS сообщение с одноразовым паролем",
        textChallenges: [
          {
            refId: "aa04a501-0058-49bc-b30a-75a82a05d677",
            label: "Введите одноразовый пароль для подтверждения подписи",
          },
        ],
        contextRefId: "aa04a501-0058-49bc-b30a-75a82a05d677",
      },
    });
  });

  it("03: the answer parses, and ours is equal to it", () => {
    const xml = fixture("03-RSTR-InteractiveChallengeResponse.xml");
    expect(parseTrustResponse(body(xml))).toEqual({
      kind: "challengeResponse",
      appliesTo: "http://localhost/SignService/",
      answers: [{ refId: "aa04a501-0058-49bc-b30a-75a82a05d677", value: "RLRRAY" }],
    });
    const ours = trustEnvelope(
      WSTRUST_ACTIONS.challengeResponse,
      challengeResponseXml({
        appliesTo: "http://localhost/SignService/",
        answers: [{ refId: "aa04a501-0058-49bc-b30a-75a82a05d677", value: "RLRRAY" }],
      }),
    );
    expect(canonical(body(ours))).toBe(canonical(body(xml)));
    expect(action(ours)).toBe(action(xml));
  });

  it("04: the final RSTR collection parses into the token", () => {
    const parsed = parseTrustResponse(body(fixture("04-RSTRC-IssueFinal-token.xml")));
    expect(parsed.kind).toBe("token");
    if (parsed.kind !== "token") return;
    expect(parsed.token).toMatchObject({
      keySize: 256,
      created: "2013-11-07T14:25:53.327Z",
      expires: "2013-11-07T14:35:53.327Z",
      appliesTo: "http://localhost/SignService/",
      tokenType: "urn:oasis:names:tc:SAML:1.0:assertion",
      keyIdentifier: "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e",
    });
    // The guide removed the token's content ("...."); the empty BinarySecret gives no proof key.
    expect(parsed.token.proofKey).toBeUndefined();
  });

  it("05: the RST with the confirmation scope (AdditionalContext) parses, and ours is equal to it", () => {
    const el = parseXml(fixture("05-RST-AdditionalContext-confirmationscope.xml"));
    const rst = parseRequestSecurityToken(el);
    expect(rst.additionalContext).toEqual([
      { name: DSS_CLAIMS.confirmationScope, value: "test-confirmation-scope" },
      { name: DSS_CLAIMS.confirmationScopeParam, value: "CpTime:17.01.2018 13:20:27" },
    ]);
    const ours = parseXml(
      requestSecurityTokenXml({
        appliesTo: "https://relying-party/",
        additionalContext: rst.additionalContext,
      }),
    );
    expect(canonical(ours)).toBe(canonical(el));
  });
});

describe("the WS-Trust client against the mock STS over HTTP", () => {
  let clock = Date.parse("2026-01-01T10:00:00Z");
  let running: Awaited<ReturnType<typeof listen>>;
  let url: string;
  beforeAll(async () => {
    running = await listen(
      createMockSts({
        users: { anna: "pw" },
        code: (tx) => (tx === "tx-2" ? "222222" : "123456"),
        declineCode: "NO",
        maxAttempts: 3,
        challengeTtlMs: 60_000,
        now: () => clock,
        issueToken: ({ user, transactionId }) => `token-for-${user}-${transactionId ?? "login"}`,
      }),
    );
    url = `${running.url}/STS/username/transport`;
  });
  afterAll(() => running.close());

  const base = {
    appliesTo: "https://dss.example/SignServer/rest/api",
    credentials: { kind: "username" as const, username: "anna", password: "pw" },
  };

  it("challenge -> right code -> the token, with its lifetime", async () => {
    const seen: string[] = [];
    const outcome = await issueSecurityToken({
      ...(base as object),
      ...base,
      url,
      transactionId: "tx-1",
      answer: async (challenge, ctx) => {
        seen.push(`${ctx.attempt}:${challenge.textChallenges[0]!.label}`);
        return "123456";
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 1 });
    if (outcome.status !== "issued") return;
    expect(outcome.token.tokenText).toBe("token-for-anna-tx-1");
    expect(Date.parse(outcome.token.expires!) - Date.parse(outcome.token.created!)).toBe(600_000);
    expect(seen).toEqual(["1:Введите одноразовый пароль для подтверждения подписи"]);
  });

  it("a wrong code gets a new challenge; the right one then gets the token", async () => {
    const answers = ["000000", "222222"];
    const labels: string[] = [];
    const outcome = await issueSecurityToken({
      ...base,
      url,
      transactionId: "tx-2",
      answer: async (c) => {
        labels.push(c.textChallenges[0]!.label ?? "");
        return answers.shift()!;
      },
    });
    expect(outcome).toMatchObject({ status: "issued", attempts: 2 });
    expect(labels[1]).toMatch(/Неверный одноразовый пароль/);
  });

  it("three wrong codes: maxAttempts, limited by the server (wst:FailedAuthentication)", async () => {
    const outcome = await issueSecurityToken({
      ...base,
      url,
      transactionId: "tx-3",
      answer: async () => "0",
    });
    expect(outcome).toMatchObject({ status: "maxAttempts", attempts: 3, limitedBy: "server" });
  });

  it("the client's own cap: maxAttempts, limited by the client", async () => {
    const outcome = await issueSecurityToken({
      ...base,
      url,
      transactionId: "tx-4",
      maxAnswers: 1,
      answer: async () => "0",
    });
    expect(outcome).toMatchObject({ status: "maxAttempts", attempts: 1, limitedBy: "client" });
  });

  it("an answer after the challenge expired: expired (wst:ExpiredData)", async () => {
    const outcome = await issueSecurityToken({
      ...base,
      url,
      transactionId: "tx-5",
      answer: async () => {
        clock += 61_000;
        return "123456";
      },
    });
    expect(outcome).toMatchObject({
      status: "expired",
      fault: { subcode: { local: "ExpiredData" } },
    });
  });

  it("the user declines: declined (wst:RequestFailed)", async () => {
    const outcome = await issueSecurityToken({
      ...base,
      url,
      transactionId: "tx-6",
      answer: async () => "NO",
    });
    expect(outcome).toMatchObject({ status: "declined" });
  });

  it("a wrong password: refused, and the password is in no part of the outcome", async () => {
    const outcome = await issueSecurityToken({
      ...base,
      url,
      credentials: { kind: "username", username: "anna", password: "secret-wrong" },
      transactionId: "tx-7",
    });
    expect(outcome).toMatchObject({
      status: "refused",
      fault: { status: 400, faultCode: "Sender" },
    });
    expect(JSON.stringify(outcome)).not.toContain("secret-wrong");
  });

  it("without a transaction the token comes at once; without an answerer a challenge ends the exchange", async () => {
    expect(await issueSecurityToken({ ...base, url })).toMatchObject({
      status: "issued",
      attempts: 0,
    });
    expect(await issueSecurityToken({ ...base, url, transactionId: "tx-8" })).toMatchObject({
      status: "challengeUnanswered",
    });
  });

  it("the mock STS answers a DOCTYPE with a SOAP 1.2 Sender fault, nothing expanded", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": 'application/soap+xml; charset=utf-8; action="urn:nope"' },
      body: '<!DOCTYPE x [<!ENTITY a "b">]><x/>',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("<s:Value>s:Sender</s:Value>");
  });

  it("the token provider gives the token to the REST clients (bearer), cached", async () => {
    let asked = 0;
    const provider = wsTrustTokenProvider({
      ...base,
      url,
      transactionId: "tx-9",
      now: () => clock,
      answer: async () => {
        asked++;
        return "123456";
      },
    });
    expect(await provider.getToken()).toBe("token-for-anna-tx-9");
    expect(await provider.getToken()).toBe("token-for-anna-tx-9");
    expect(asked).toBe(1);
  });
});
