/**
 * WS-Security of the Sign Service's `token/transport/nosc` binding: the client's header (the
 * issued SAML 1.1 assertion as received, a timestamp, the endorsing HMAC-SHA1 signature with the
 * proof key) verifies on the service's side, and each way a message can be wrong is refused with
 * its typed error and `wsse:` fault: expired or early token, token signed by another key or from
 * another issuer or for another audience, unknown token, wrong proof key, stale or future
 * timestamp, replay, and tampering after signing (timestamp changed, assertion swapped or edited).
 */
import { describe, expect, it } from "vitest";
import {
  ReplayCache,
  type TransportSecurityPolicy,
  transportSecurityHeader,
  verifyTransportSecurity,
  WSSE_NS,
  WsSecurityError,
} from "../src/wssecurity/index.js";
import { AUDIENCE, ISSUER, issuedToken, makeIssuer, request } from "./wssecurity-support.js";

const issuer = makeIssuer();
const other = makeIssuer("Another STS");
const T0 = new Date("2026-12-03T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const window = { notBefore: T0, notOnOrAfter: at(600) };

function setup(init: Partial<Parameters<typeof issuedToken>[1]> = {}) {
  const id = init.id ?? "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e";
  const token = issuedToken(init.issuer === "other" ? other : issuer, {
    ...window,
    ...init,
    issuer: init.issuer === "other" ? ISSUER : (init.issuer ?? ISSUER),
    id,
  });
  const keys = new Map([[id, token.proofKey]]);
  const policy: TransportSecurityPolicy = {
    issuerKey: issuer.certPem,
    issuer: ISSUER,
    audiences: [AUDIENCE],
    proofKey: (assertionId) => keys.get(assertionId),
    now: () => at(60),
    replayCache: new ReplayCache(),
  };
  const message = (seconds = 60, ttl?: number) =>
    request(
      transportSecurityHeader({
        token,
        now: () => at(seconds),
        ...(ttl ? { timestampTtlSeconds: ttl } : {}),
      }),
    );
  return { token, keys, policy, message };
}

async function refused(p: Promise<unknown>, code: string, fault: string) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WsSecurityError);
  const err = e as WsSecurityError;
  expect(err.code).toBe(code);
  expect(err.fault).toEqual({ ns: WSSE_NS, local: fault });
  const soap = err.toSoapFault();
  expect(soap.faultCode).toBe("Client");
  expect(soap.subcode).toEqual({ ns: WSSE_NS, local: fault });
  return err;
}

describe("token/transport/nosc header", () => {
  it("carries the assertion as received, a timestamp and the endorsing signature", () => {
    const { token, message } = setup();
    const xml = message(60, 120);
    expect(xml).toContain(token.tokenXml);
    expect(xml).toContain(
      `<u:Created>${at(60).toISOString()}</u:Created><u:Expires>${at(180).toISOString()}</u:Expires>`,
    );
    expect(xml).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"');
    expect(xml).toContain('URI="#_0"');
    expect(xml).toContain(
      'ValueType="http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.0#SAMLAssertionID">_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e</o:KeyIdentifier>',
    );
    // The proof key itself never appears.
    expect(xml).not.toContain(token.proofKey);
  });

  it("refuses a token without a proof key", () => {
    const { token } = setup();
    expect(() => transportSecurityHeader({ token: { tokenXml: token.tokenXml } })).toThrow(
      WsSecurityError,
    );
  });

  it("reads the assertion id when the key identifier is not given", async () => {
    const { token, policy } = setup();
    const xml = request(
      transportSecurityHeader({
        token: { tokenXml: token.tokenXml, proofKey: token.proofKey },
        now: () => at(60),
      }),
    );
    await expect(verifyTransportSecurity(xml, policy)).resolves.toMatchObject({
      assertionId: "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e",
    });
  });
});

describe("verification", () => {
  it("accepts the client's message and says who is calling", async () => {
    const { policy, message } = setup();
    const v = await verifyTransportSecurity(message(), policy);
    expect(v).toMatchObject({
      assertionId: "_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e",
      issuer: ISSUER,
      subject: "user1",
      notBefore: T0,
      notOnOrAfter: at(600),
      timestamp: { created: at(60), expires: at(360) },
    });
    expect(v.attributes).toEqual([
      {
        name: "name",
        namespace: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims",
        values: ["user1"],
      },
    ]);
  });

  it("reads back what the issuer wrote, markup characters included", async () => {
    const { policy, message } = setup({ subject: `a<b&c"d'e` });
    const v = await verifyTransportSecurity(message(), policy);
    expect(v.subject).toBe(`a<b&c"d'e`);
    expect(v.attributes[0]?.values).toEqual([`a<b&c"d'e`]);
  });

  it("accepts an RSA-SHA1 assertion and a proof key given as bytes", async () => {
    const { policy, message, token } = setup({ algorithm: "rsa-sha1" });
    policy.proofKey = () => Buffer.from(token.proofKey, "base64");
    await expect(verifyTransportSecurity(message(), policy)).resolves.toBeTruthy();
  });

  it("refuses an expired token", async () => {
    const { policy, message } = setup();
    policy.now = () => at(1000);
    await refused(
      verifyTransportSecurity(message(1000), policy),
      "token_expired",
      "InvalidSecurityToken",
    );
  });

  it("refuses a token that is not valid yet", async () => {
    const { policy, message } = setup({ notBefore: at(1000), notOnOrAfter: at(2000) });
    await refused(
      verifyTransportSecurity(message(), policy),
      "token_not_yet_valid",
      "InvalidSecurityToken",
    );
  });

  it("refuses a token signed by another key", async () => {
    const { policy, message } = setup({ issuer: "other" });
    await refused(
      verifyTransportSecurity(message(), policy),
      "invalid_token",
      "InvalidSecurityToken",
    );
  });

  it("refuses a token of another issuer", async () => {
    const { policy, message } = setup({ issuer: "https://elsewhere.example/STS" });
    await refused(
      verifyTransportSecurity(message(), policy),
      "untrusted_issuer",
      "FailedAuthentication",
    );
  });

  it("refuses a token for another audience", async () => {
    const { policy, message } = setup({ audience: "https://dss.example/SignServer/rest" });
    await refused(
      verifyTransportSecurity(message(), policy),
      "wrong_audience",
      "FailedAuthentication",
    );
  });

  it("refuses a token whose proof key it does not know", async () => {
    const { policy, message, keys } = setup();
    keys.clear();
    await refused(
      verifyTransportSecurity(message(), policy),
      "unknown_token",
      "SecurityTokenUnavailable",
    );
  });

  it("refuses a message signed with another proof key", async () => {
    const { policy, message, keys } = setup();
    keys.set("_1ee3984d-a9f6-4d68-ab1b-08ce3889b48e", Buffer.alloc(32, 7).toString("base64"));
    await refused(
      verifyTransportSecurity(message(), policy),
      "proof_signature_invalid",
      "FailedCheck",
    );
  });

  it("refuses a stale timestamp and one from the future, within the clock skew", async () => {
    const { policy, message } = setup();
    // Created at 0 with a TTL of 30 s: still accepted at 60 s thanks to the 300 s skew.
    await expect(verifyTransportSecurity(message(0, 30), policy)).resolves.toBeTruthy();
    policy.maxClockSkewSeconds = 10;
    await refused(
      verifyTransportSecurity(message(1, 30), policy),
      "message_expired",
      "MessageExpired",
    );
    await refused(
      verifyTransportSecurity(message(120, 30), policy),
      "message_expired",
      "MessageExpired",
    );
  });

  it("refuses a replayed message, and forgets it once its timestamp has expired", async () => {
    const { policy, message } = setup();
    const xml = message();
    await verifyTransportSecurity(xml, policy);
    await refused(verifyTransportSecurity(xml, policy), "replay", "InvalidSecurity");
    expect(policy.replayCache?.size).toBe(1);
    // A new message (new timestamp) from the same token is fine.
    await expect(verifyTransportSecurity(message(61), policy)).resolves.toBeTruthy();
  });

  it("checks an assertion's signature once, and every other check on every call", async () => {
    const { policy, message } = setup();
    const verified = new ReplayCache();
    policy.verifiedAssertions = verified;
    await verifyTransportSecurity(message(60), policy);
    expect(verified.size).toBe(1);
    await verifyTransportSecurity(message(61), policy);
    expect(verified.size).toBe(1);
    // Changed bytes are not the remembered assertion.
    const edited = message(62).replace(
      "<saml:NameIdentifier>user1<",
      "<saml:NameIdentifier>admin<",
    );
    await refused(verifyTransportSecurity(edited, policy), "invalid_token", "InvalidSecurityToken");
    // Another trusted key is another entry: its signature is checked, and fails.
    await refused(
      verifyTransportSecurity(message(63), { ...policy, issuerKey: other.certPem }),
      "invalid_token",
      "InvalidSecurityToken",
    );
    policy.now = () => at(1000);
    await refused(
      verifyTransportSecurity(message(1000), policy),
      "token_expired",
      "InvalidSecurityToken",
    );
  });

  it("keeps the replay cache bounded", () => {
    const cache = new ReplayCache(2);
    expect(cache.add("a", at(10), T0)).toBe(true);
    expect(cache.add("b", at(20), T0)).toBe(true);
    expect(cache.add("c", at(30), T0)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.add("c", at(30), T0)).toBe(false);
    expect(cache.add("c", at(40), at(31))).toBe(true);
  });

  it("refuses a message without a security header, or without its timestamp or signature", async () => {
    const { policy, message } = setup();
    await refused(
      verifyTransportSecurity(request(""), policy),
      "invalid_security",
      "InvalidSecurity",
    );
    const xml = message();
    const noTimestamp = xml.replace(/<u:Timestamp[\s\S]*?<\/u:Timestamp>/, "");
    await refused(
      verifyTransportSecurity(noTimestamp, policy),
      "invalid_security",
      "InvalidSecurity",
    );
    const endorsing = xml.lastIndexOf("<ds:Signature ");
    const noSignature = xml.slice(0, endorsing) + xml.slice(xml.indexOf("</o:Security>"));
    expect(noSignature).not.toBe(xml);
    await refused(
      verifyTransportSecurity(noSignature, policy),
      "invalid_security",
      "InvalidSecurity",
    );
  });
});

describe("tampering", () => {
  it("refuses a timestamp changed after signing", async () => {
    const { policy, message } = setup();
    const xml = message().replace(at(360).toISOString(), at(3600).toISOString());
    await refused(verifyTransportSecurity(xml, policy), "proof_signature_invalid", "FailedCheck");
  });

  it("refuses an assertion edited after the issuer signed it", async () => {
    const { policy, message } = setup();
    const xml = message().replace("<saml:NameIdentifier>user1<", "<saml:NameIdentifier>admin<");
    await refused(verifyTransportSecurity(xml, policy), "invalid_token", "InvalidSecurityToken");
  });

  it("refuses another valid assertion swapped in under the same signature", async () => {
    const a = setup();
    const b = setup({ id: "_second", subject: "user2" });
    // b's own message and keys are valid; swap a's assertion into it.
    a.keys.set("_second", b.token.proofKey);
    const xml = b.message().replace(b.token.tokenXml, a.token.tokenXml);
    await refused(verifyTransportSecurity(xml, a.policy), "invalid_security", "InvalidSecurity");
  });

  it("refuses a second element with the signed id (signature wrapping)", async () => {
    const { policy, message } = setup();
    const xml = message().replace(
      "</o:Security>",
      `<u:Timestamp xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" u:Id="_0"><u:Created>${at(60).toISOString()}</u:Created></u:Timestamp></o:Security>`,
    );
    await refused(verifyTransportSecurity(xml, policy), "invalid_security", "InvalidSecurity");
  });

  it("refuses an RSA signature where the proof key's HMAC is expected", async () => {
    const { policy, message, token } = setup();
    const xml = message().replace(
      'Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"',
      'Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"',
    );
    expect(xml).toContain(token.tokenXml);
    await refused(
      verifyTransportSecurity(xml, policy),
      "unsupported_algorithm",
      "UnsupportedAlgorithm",
    );
  });
});
