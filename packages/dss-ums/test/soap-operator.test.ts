/**
 * The operator scenarios of `@trustspec/dss-ums/soap` (the guide's C# samples, §4.4) through the
 * public client against the UMS emulator's SOAP service over HTTPS on 127.0.0.1, the operator
 * authenticated on `/cert` by the TLS client certificate the DSS emulator holds for it. What each
 * scenario did is read back over SOAP (and, where the SOAP interface cannot show it, from the
 * emulator's state); failures name their step and change nothing they should not.
 */
import { KeyObject } from "node:crypto";
import { createTestCa, toPem } from "@trustspec/dss/cms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DssUmsEmulator } from "../src/server.js";
import {
  AUTHENTICATION_METHOD_URIS,
  assignPhoneNumber,
  clientCertificateFetch,
  createUmsSoapClient,
  createUmsSoapOperator,
  DssSoapFaultError,
  enrolMyDss,
  enrolOtpToken,
  enrolSimCard,
  findUser,
  getUserAuthenticationScheme,
  getUserOperationPolicy,
  getUserPhoneInfo,
  iterateAuthnTokens,
  iterateUsers,
  OperatorScenarioError,
  registerUserWithScheme,
  removeUser,
  setAccountLocked,
  stsEndpoint,
  tokenQuery,
  type UmsSoapClient,
  userQuery,
} from "../src/soap.js";

let ums: DssUmsEmulator;
let server: Awaited<ReturnType<DssUmsEmulator["listen"]>>;
let client: UmsSoapClient;
let tls: { cert: string; key: string; ca: string };

beforeAll(async () => {
  ums = await DssUmsEmulator.create({
    responseValidation: "strict",
    dss: {
      ca: await createTestCa({ commonName: "UMS operator test CA", algorithm: "ECDSA" }),
      keyAlgorithm: "ECDSA",
      users: [
        { login: "demo", password: "demo" },
        { login: "operator", password: "operator", role: "operator", certificate: true },
      ],
    },
  });
  server = await ums.listen({ https: true });
  const held = ums.dss!.state.certificatesOf("operator")[0]!;
  tls = {
    cert: toPem(held.der, "CERTIFICATE"),
    key: KeyObject.from(held.privateKey!).export({ type: "pkcs8", format: "pem" }) as string,
    ca: ums.caCertificatePem,
  };
  client = createUmsSoapClient({ baseUrl: server.url, certificate: tls });
});
afterAll(async () => {
  await server?.close();
  await ums?.close();
});

/** The user's scheme as the service shows it: method URI and step. */
async function schemeOf(userId: string) {
  const r = await getUserAuthenticationScheme(client, { userId });
  return (r.GetUserAuthenticationSchemeResult?.AuthenticationInfo ?? []).map((a) => [
    a?.MethodUri,
    a?.Level,
  ]);
}

/** A step failure: the OperatorScenarioError's step and the DSSFault code of its cause. */
async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OperatorScenarioError);
  const e = error as OperatorScenarioError;
  return {
    step: e.step,
    userId: e.userId,
    code: e.cause instanceof DssSoapFaultError ? e.cause.dssCode : undefined,
    message: e.message,
  };
}

describe("registration (§4.4.1-4.4.2)", () => {
  it("registers with the password on step 1, resets it, sets the display name and phone", async () => {
    const made = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-anna" },
      displayName: "Анна Петрова",
      phoneNumber: "+79990000001",
      confirm: ["SignDocument", "CreateRequest"],
    });
    expect(made.password).toMatch(/\S{6,}/);
    const user = await findUser(client, "soap-anna");
    expect(user).toMatchObject({
      UserId: made.userId,
      Login: "soap-anna",
      DisplayName: "Анна Петрова",
      PhoneNumber: "+79990000001",
    });
    expect(await schemeOf(made.userId)).toEqual([[AUTHENTICATION_METHOD_URIS.password, 1]]);
    const policy = await getUserOperationPolicy(client, { userId: made.userId });
    const confirmed = (policy.GetUserOperationPolicyResult?.OperationPolicy ?? [])
      .filter((p) => p?.ConfirmationRequired)
      .map((p) => p?.Action)
      .sort();
    expect(confirmed).toEqual(["CreateRequest", "SignDocument"]);
  });

  it("§4.4.2: login only on step 1, SMS on step 2, the phone read back", async () => {
    const { userId, password } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-sms" },
      scheme: [
        { method: "idonly", level: 1 },
        { method: "otpviasms", level: 2 },
      ],
      phoneNumber: "88000000000",
    });
    expect(password).toBeUndefined();
    expect(await schemeOf(userId)).toEqual([
      [AUTHENTICATION_METHOD_URIS.idonly, 1],
      [AUTHENTICATION_METHOD_URIS.otpviasms, 2],
    ]);
    const phone = await assignPhoneNumber(client, userId, "+79990000002");
    expect(phone.PhoneNumber).toBe("+79990000002");
    expect(phone.Confirmed).toBe(false);
  });

  it("refuses an identifier type the policy does not offer before creating anything", async () => {
    const before = ums.state.users.size;
    const f = await failure(
      registerUserWithScheme(client, {
        identifiers: { Login: "soap-x", Nickname: "x" } as never,
      }),
    );
    expect(f.step).toBe("check the identifier types");
    expect(ums.state.users.size).toBe(before);
  });

  it("names RegisterUser and the service's code for a duplicate login", async () => {
    const before = ums.state.users.size;
    const f = await failure(
      registerUserWithScheme(client, { identifiers: { Login: "soap-anna" } }),
    );
    expect(f).toMatchObject({ step: "RegisterUser", code: "DuplicateIdentifier" });
    expect(ums.state.users.size).toBe(before);
  });

  it("deletes the half-made account when a later step fails, or keeps it when asked", async () => {
    const before = ums.state.users.size;
    // OATH on a step with no token assigned: the service refuses the method.
    const scheme = [{ method: "oath", level: 1 }] as const;
    const f = await failure(
      registerUserWithScheme(client, { identifiers: { Login: "soap-half" }, scheme }),
    );
    expect(f.step).toBe("AssignAuthenticationMethod oath on step 1");
    expect(f.userId).toBeUndefined();
    expect(await findUser(client, "soap-half")).toBeUndefined();
    expect(ums.state.users.size).toBe(before);
    const kept = await failure(
      registerUserWithScheme(client, {
        identifiers: { Login: "soap-half" },
        scheme,
        keepOnFailure: true,
      }),
    );
    expect((await findUser(client, "soap-half"))?.UserId).toBe(kept.userId);
    // The state's count of accounts moves with a kept one (so the unchanged counts above say something).
    expect(ums.state.users.size).toBe(before + 1);
  });
});

describe("OTP tokens (§4.4.3, §4.1.8)", () => {
  let hotpUser = "";
  let totpUser = "";
  beforeAll(async () => {
    hotpUser = (await registerUserWithScheme(client, { identifiers: { Login: "soap-hotp" } }))
      .userId;
    totpUser = (await registerUserWithScheme(client, { identifiers: { Login: "soap-totp" } }))
      .userId;
  });

  it("HOTP: two consecutive passwords; the token is assigned and on step 1 after idonly", async () => {
    const info = await enrolOtpToken(client, hotpUser, {
      serial: "A000001",
      tokenType: "HOTP",
      firstOtp: "755224",
      secondOtp: "287082",
    });
    expect(info).toEqual({ Serial: "A000001", Type: "HOTP" });
    expect(await schemeOf(hotpUser)).toEqual(
      expect.arrayContaining([
        [AUTHENTICATION_METHOD_URIS.idonly, 0],
        [AUTHENTICATION_METHOD_URIS.oath, 1],
      ]),
    );
  });

  it("HOTP without the second password, or with the first again, sends nothing and keeps no secret in the message", async () => {
    for (const secondOtp of [undefined, "111111"]) {
      const f = await failure(
        enrolOtpToken(client, totpUser, {
          serial: "A000002",
          tokenType: "HOTP",
          firstOtp: "111111",
          ...(secondOtp ? { secondOtp } : {}),
        }),
      );
      expect(f.step).toBe("check the one-time passwords");
      expect(f.message).not.toContain("111111");
    }
    expect(ums.state.tokenBySerial("A000002")).toBeUndefined();
  });

  it("TOTP: the first password repeated as the second (the SOAP rule) assigns a TOTP token", async () => {
    const info = await enrolOtpToken(client, totpUser, {
      serial: "T000001",
      tokenType: "TOTP",
      firstOtp: "492039",
    });
    expect(info).toEqual({ Serial: "T000001", Type: "TOTP" });
  });

  it("TOTP with the REST rule (nil second) is accepted too; another second password is refused", async () => {
    const other = (await registerUserWithScheme(client, { identifiers: { Login: "soap-totp2" } }))
      .userId;
    const f = await failure(
      enrolOtpToken(client, other, {
        serial: "T000002",
        tokenType: "TOTP",
        firstOtp: "492039",
        secondOtp: "314159",
      }),
    );
    expect(f.step).toBe("check the one-time passwords");
    expect(f.message).not.toMatch(/492039|314159/);
    const info = await enrolOtpToken(client, other, {
      serial: "T000002",
      tokenType: "TOTP",
      firstOtp: "492039",
      totpSecondOtp: "nil",
    });
    expect(info).toEqual({ Serial: "T000002", Type: "TOTP" });
  });

  it("a wrong one-time password format is the service's InvalidOtp, named at SetUserOtpToken", async () => {
    const f = await failure(
      enrolOtpToken(client, hotpUser, {
        serial: "A000009",
        tokenType: "HOTP",
        firstOtp: "12",
        secondOtp: "34",
      }),
    );
    expect(f).toMatchObject({ step: "SetUserOtpToken", code: "InvalidOtp" });
  });
});

describe("SIM card and myDSS (§4.4.4)", () => {
  it("enrols a SIM card with the policy's GOST profile, idonly then SimAuth, SignDocument confirmed", async () => {
    const { userId } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-sim", PhoneNumber: "+79990000003" },
      scheme: [],
    });
    const info = await enrolSimCard(client, userId, { iccId: "8970199170000000001" });
    expect(info.IccId).toBe("8970199170000000001");
    expect(info.ProfileId).toMatch(/^[0-9a-f-]{36}$/i);
    expect(await schemeOf(userId)).toEqual([
      [AUTHENTICATION_METHOD_URIS.idonly, 0],
      [AUTHENTICATION_METHOD_URIS.simauth, 1],
    ]);
    const policy = await getUserOperationPolicy(client, { userId });
    expect(
      policy.GetUserOperationPolicyResult?.OperationPolicy?.find(
        (p) => p?.Action === "SignDocument",
      )?.ConfirmationRequired,
    ).toBe(true);
  });

  it("enrols myDSS with the device thumbprint (SOAP only), shown in the token search", async () => {
    const { userId } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-mydss" },
      scheme: [],
    });
    const made = await enrolMyDss(client, userId, {
      contact: "mydss@example.ru",
      deviceThumbprint: "3F2A9C01",
    });
    expect(made.QrCode).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await schemeOf(userId)).toEqual([
      [AUTHENTICATION_METHOD_URIS.idonly, 0],
      [AUTHENTICATION_METHOD_URIS.mobile, 1],
    ]);
    const tokens = [];
    for await (const t of iterateAuthnTokens(
      client,
      tokenQuery().where("TokenType").equals("MobileAuth"),
    )) {
      if (t.UserName === "soap-mydss") tokens.push(t);
    }
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.Parameters).toMatchObject({ DeviceThumbprint: "3F2A9C01" });
  });
});

describe("search, lock, delete (§4.4.8-4.4.10)", () => {
  it("iterates the users a query selects, page by page", async () => {
    for (let i = 0; i < 5; i++) {
      await registerUserWithScheme(client, {
        identifiers: { Login: `soap-page-${i}` },
        scheme: [],
      });
    }
    const seen: string[] = [];
    for await (const u of iterateUsers(
      client,
      userQuery().where("Login").startsWith("soap-page-"),
      {
        pageSize: 2,
      },
    )) {
      seen.push(u.Login ?? "");
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `soap-page-${i}`));
    const limited = [];
    for await (const u of iterateUsers(client, userQuery().where("Login").like("soap-page-%"), {
      pageSize: 2,
      limit: 3,
    })) {
      limited.push(u);
    }
    expect(limited).toHaveLength(3);
  });

  it("finds a token by serial with a LIKE pattern", async () => {
    const serials = [];
    for await (const t of iterateAuthnTokens(client, tokenQuery().where("Serial").like("%0001"))) {
      serials.push(t.Serial);
    }
    expect(serials).toContain("A000001");
    expect(serials).toContain("T000001");
  });

  it("locks and unlocks an account (SetUserProperty AccountState)", async () => {
    const { userId } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-lock" },
      scheme: [],
    });
    expect((await setAccountLocked(client, userId, true)).AccountLocked).toBe(true);
    expect((await findUser(client, "soap-lock"))?.AccountLocked).toBe(true);
    expect((await setAccountLocked(client, userId, false)).AccountLocked).toBe(false);
  });

  it("removes a user by login or id; an unknown one is named at the find step", async () => {
    const { userId } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-gone" },
      scheme: [],
    });
    expect(await removeUser(client, { login: "soap-gone" })).toEqual({
      userId,
      login: "soap-gone",
    });
    expect(await findUser(client, "soap-gone")).toBeUndefined();
    const before = ums.state.users.size;
    const f = await failure(removeUser(client, { userId }));
    expect(f).toMatchObject({ step: "find the user", code: "UserNotFound" });
    expect(ums.state.users.size).toBe(before);
  });

  it("findUser gives undefined for nobody, and finds by another identifier type", async () => {
    expect(await findUser(client, "nobody-at-all")).toBeUndefined();
    const byPhone = await findUser(client, { type: "PhoneNumber", value: "+79990000003" });
    expect(byPhone?.Login).toBe("soap-sim");
  });

  it("assignPhoneNumber answers what GetUserPhoneInfo shows", async () => {
    const { userId } = await registerUserWithScheme(client, {
      identifiers: { Login: "soap-phone" },
      scheme: [],
    });
    const info = await assignPhoneNumber(client, userId, "+79990000004");
    expect(info).toEqual({ PhoneNumber: "+79990000004", Confirmed: false });
    expect((await getUserPhoneInfo(client, { userId })).GetUserPhoneInfoResult?.PhoneNumber).toBe(
      "+79990000004",
    );
  });
});

describe("the scenarios over /token, the operator's token from the identity centre", () => {
  /** A /token client signing in as `login` at the emulator's identity centre over HTTPS. */
  const tokenClient = (login: string) =>
    createUmsSoapClient({
      baseUrl: server.url,
      endpoint: "token",
      // Over HTTPS trusting the test CA; /token itself reads only the message's token.
      certificate: tls,
      federation: {
        sts: stsEndpoint(server.url, "username/transport"),
        credentials: { kind: "username", username: login, password: login },
        fetch: clientCertificateFetch(tls),
      },
    });

  it("registers, finds, searches and removes a user as the operator (the operator object)", async () => {
    const operator = createUmsSoapOperator(tokenClient("operator"));
    const { userId } = await operator.registerUser({
      identifiers: { Login: "soap-token-user" },
      scheme: [{ method: "idonly", level: 0 }],
    });
    expect((await operator.findUser("soap-token-user"))?.UserId).toBe(userId);
    expect(await schemeOf(userId)).toEqual([[AUTHENTICATION_METHOD_URIS.idonly, 0]]);
    expect((await operator.setAccountLocked(userId, true)).AccountLocked).toBe(true);
    const found = [];
    for await (const u of operator.searchUsers(
      userQuery().where("Login").equals("soap-token-user"),
    )) {
      found.push(u.UserId);
    }
    expect(found).toEqual([userId]);
    expect(await operator.removeUser({ userId })).toEqual({ userId, login: "soap-token-user" });
    expect(await findUser(client, "soap-token-user")).toBeUndefined();
  });

  it("a user who is not an operator is refused, and nothing is made", async () => {
    const before = ums.state.users.size;
    const error = await registerUserWithScheme(tokenClient("demo"), {
      identifiers: { Login: "soap-by-demo" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperatorScenarioError);
    expect((error as OperatorScenarioError).step).toBe("GetPolicy");
    expect((error as Error).cause).toMatchObject({ dssCode: "Forbidden" });
    expect((error as Error).message).not.toContain("demo:demo");
    expect(ums.state.users.size).toBe(before);
    expect(await findUser(client, "soap-by-demo")).toBeUndefined();
  });
});
