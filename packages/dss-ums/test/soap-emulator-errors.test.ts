import { readDssFault } from "@trustspec/dss/soap";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as soap from "../src/generated/ums-soap/client.gen.js";
import { DssUmsEmulator } from "../src/server.js";
import {
  envelopeOf,
  OPERATOR,
  postEnvelope,
  type RunningSoap,
  startSoapUms,
  strangerCert,
  USER,
} from "./soap-emulator-support.js";

/**
 * Bad input to the emulator's SOAP service: callers it does not accept (no client certificate,
 * one it does not know, a user's that is not an operator's, plain HTTP, a token of a user) and
 * requests it refuses (unknown user id, duplicate login, invalid identifier type, bad one-time
 * passwords, unknown method). Every refusal is a SOAP fault over HTTP 500 as WCF sends them,
 * with the `DSSFault` detail and its declared fault action where an operation refused, and
 * the state is the same afterwards.
 */
let r: RunningSoap;
let userId: string;

/** What the state holds, to compare before and after a refused request. */
function snapshot(emulator: DssUmsEmulator = r.emulator): string {
  const s = emulator.state;
  return JSON.stringify({
    users: [...s.users.values()].map((u) => ({
      ...s.info(u),
      scheme: [...u.scheme],
      oath: u.oathTokenId,
      confirm: [...u.confirm],
    })),
    tokens: [...s.tokens.values()],
    accounts: emulator.dss ? [...emulator.dss.state.users.keys()] : [],
  });
}

/** The fault of a refused call: HTTP status, subcode, reason and DSSFault. */
async function faultOf(call: Promise<unknown>) {
  const e = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(e instanceof SoapFaultError)) throw new Error(`expected a SOAP fault, got ${String(e)}`);
  return {
    status: e.status,
    subcode: e.subcode?.local,
    reason: e.reason,
    ...readDssFault(e.detail),
  };
}

/** Runs a call that must be refused and checks that nothing changed. */
async function refusedUnchanged(call: () => Promise<unknown>, emulator?: DssUmsEmulator) {
  const before = snapshot(emulator);
  const fault = await faultOf(call());
  expect(snapshot(emulator)).toBe(before);
  return fault;
}

beforeAll(async () => {
  r = await startSoapUms({
    identifierTypes: ["Login", "PhoneNumber"],
    oathTokens: [{ serial: "AA000001", type: "HOTP" }],
  });
  userId = (await soap.registerUser(r.soap, { identifiers: { Login: "taken" } }))
    .RegisterUserResult!;
});
afterAll(() => r?.close());

describe("callers /cert refuses", () => {
  const register = envelopeOf(
    "RegisterUser",
    '<identifiers xmlns:b="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><b:KeyValueOfIdentifierTypestring><b:Key>Login</b:Key><b:Value>intruder</b:Value></b:KeyValueOfIdentifierTypestring></identifiers>',
  );

  it("no client certificate: wsse:FailedAuthentication over HTTP 500", async () => {
    const before = snapshot();
    const answer = await postEnvelope(`${r.service}/cert`, register, { ca: r.ca });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain("FailedAuthentication");
    expect(answer.text).toContain("needs a TLS client certificate");
    expect(snapshot()).toBe(before);
  });

  it("a certificate of another CA (whatever its subject), and a user's certificate that is no operator's", async () => {
    for (const cert of [await strangerCert("CN=operator"), r.certOf(USER)]) {
      const fault = await refusedUnchanged(() =>
        soap.registerUser(r.soapWith(cert), { identifiers: { Login: "intruder" } }),
      );
      expect(fault).toMatchObject({
        status: 500,
        subcode: "FailedAuthentication",
        reason: "The TLS client certificate is not authorised.",
      });
    }
  });

  it("the operator's certificate once revoked, or the operator's account locked", async () => {
    const dss = r.emulator.dss!;
    const cert = dss.state.certificatesOf(OPERATOR)[0]!;
    cert.status = 2;
    try {
      expect(await refusedUnchanged(() => soap.getPolicy(r.soap, {}))).toMatchObject({
        status: 500,
        subcode: "FailedAuthentication",
      });
    } finally {
      cert.status = 1;
    }
    dss.state.users.get(OPERATOR)!.locked = true;
    try {
      expect(await refusedUnchanged(() => soap.getPolicy(r.soap, {}))).toMatchObject({
        subcode: "FailedAuthentication",
      });
    } finally {
      dss.state.users.get(OPERATOR)!.locked = false;
    }
    expect((await soap.getPolicy(r.soap, {})).GetPolicyResult).toBeDefined();
  });

  it("plain HTTP: /cert is served over HTTPS only", async () => {
    const before = snapshot();
    const answer = await r.emulator.fetch(
      new Request("http://127.0.0.1/STS/UserManagement.svc/cert", {
        method: "POST",
        headers: { "content-type": "application/soap+xml; charset=utf-8" },
        body: register,
      }),
    );
    expect(answer.status).toBe(500);
    expect(await answer.text()).toContain("served over HTTPS only");
    expect(snapshot()).toBe(before);
  });
});

describe("callers /token refuses", () => {
  it("the token of a user who is not an operator: DSSFault Forbidden", async () => {
    const t = await r.soapToken(USER);
    expect(
      await refusedUnchanged(() => soap.registerUser(t, { identifiers: { Login: "intruder" } })),
    ).toMatchObject({ status: 500, Code: "Forbidden" });
  });

  it("a request without message security", async () => {
    const before = snapshot();
    const answer = await postEnvelope(`${r.service}/token`, envelopeOf("GetPolicy", ""), {
      ca: r.ca,
    });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain("Fault");
    expect(snapshot()).toBe(before);
  });

  it("standalone (no identity centre): a fault saying so", async () => {
    const alone = await DssUmsEmulator.create();
    const answer = await alone.fetch(
      new Request("http://127.0.0.1/STS/UserManagement.svc/token", {
        method: "POST",
        headers: { "content-type": "application/soap+xml; charset=utf-8" },
        body: envelopeOf("GetPolicy", ""),
      }),
    );
    expect(answer.status).toBe(500);
    expect(await answer.text()).toContain("needs the SAML token of an identity centre");
  });
});

describe("requests the service refuses, nothing changed", () => {
  it("an unknown user id: UserNotFound, with the operation's declared fault action", async () => {
    const unknown = "00000000-0000-0000-0000-000000000000";
    for (const call of [
      () => soap.getUserById(r.soap, { userId: unknown }),
      () => soap.setUserPhoneNumber(r.soap, { userId: unknown, phoneNumber: "+79150510099" }),
      () =>
        soap.setUserProperty(r.soap, {
          userId: unknown,
          property: { PropertyType: "DisplayName", Value: "Nobody" },
        }),
      () => soap.setMobileAuthDeviceThumbprint(r.soap, { userId: unknown, deviceThumbprint: "AB" }),
    ]) {
      expect(await refusedUnchanged(call)).toMatchObject({ status: 500, Code: "UserNotFound" });
    }
    const cert = r.certOf(OPERATOR);
    const answer = await postEnvelope(
      `${r.service}/cert`,
      envelopeOf("GetUserById", `<userId>${unknown}</userId>`),
      { ca: r.ca, cert },
    );
    expect(answer.status).toBe(500);
    expect(answer.text).toContain(
      "http://dss.cryptopro.ru/services/2014/06/IUserManagementService/GetUserByIdDSSFaultFault",
    );
  });

  it("a duplicate login (in any letter case) and a duplicate phone number: DuplicateIdentifier", async () => {
    await soap.setUserPhoneNumber(r.soap, { userId, phoneNumber: "+79150510010" });
    const duplicates: Record<string, string>[] = [
      { Login: "TAKEN" },
      { Login: "other", PhoneNumber: "79150510010" },
    ];
    for (const identifiers of duplicates) {
      expect(
        await refusedUnchanged(() => soap.registerUser(r.soap, { identifiers })),
      ).toMatchObject({ status: 500, Code: "DuplicateIdentifier" });
    }
  });

  it("an identifier type the policy does not list: IdentifierTypeNotAllowed; one the schema does not know: a Sender fault", async () => {
    expect(
      await refusedUnchanged(() =>
        soap.registerUser(r.soap, { identifiers: { Login: "mailer", Email: "m@example.ru" } }),
      ),
    ).toMatchObject({ status: 500, Code: "IdentifierTypeNotAllowed" });
    const before = snapshot();
    const answer = await postEnvelope(
      `${r.service}/cert`,
      envelopeOf(
        "RegisterUser",
        '<identifiers xmlns:b="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><b:KeyValueOfIdentifierTypestring><b:Key>Snils</b:Key><b:Value>12345678901</b:Value></b:KeyValueOfIdentifierTypestring></identifiers>',
      ),
      { ca: r.ca, cert: r.certOf(OPERATOR) },
    );
    expect(answer.status).toBe(500);
    expect(answer.text).toMatch(/Sender/);
    expect(snapshot()).toBe(before);
  });

  it("bad one-time passwords: InvalidOtp, the passwords not in the message, no token assigned", async () => {
    for (const [firstOtp, secondOtp] of [
      ["253311", "253311"], // HOTP needs two different ones
      ["25x311", "792144"],
      ["253311", "79"],
    ] as const) {
      const fault = await refusedUnchanged(() =>
        soap.setUserOtpToken(r.soap, { userId, serial: "AA000001", firstOtp, secondOtp }),
      );
      expect(fault).toMatchObject({ status: 500, Code: "InvalidOtp" });
      expect(JSON.stringify(fault)).not.toContain(firstOtp);
    }
  });

  it("an unknown authentication method and a bad contact type", async () => {
    expect(
      await refusedUnchanged(() =>
        soap.assignAuthenticationMethod(r.soap, {
          userId,
          methodUri: "http://dss.cryptopro.ru/identity/authenticationmethod/telepathy",
          level: 1,
        }),
      ),
    ).toMatchObject({ status: 500, Code: "UnknownAuthenticationMethod" });
    expect(
      await refusedUnchanged(() =>
        soap.setUserMobileAuthToken(r.soap, {
          userId,
          userContactInfo: "+79150510011",
          userContactInfoType: "Pigeon",
        }),
      ),
    ).toMatchObject({ status: 500, Code: "InvalidIdentifier" });
  });
});
