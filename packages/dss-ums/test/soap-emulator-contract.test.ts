import { clientCertificateFetch } from "@trustspec/dss/node";
import { readDssFault } from "@trustspec/dss/soap";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as soap from "../src/generated/ums-soap/client.gen.js";
import { service } from "../src/generated/ums-soap/soap.gen.js";
import { OPERATOR, type RunningSoap, startSoapUms } from "./soap-emulator-support.js";

/**
 * Every one of the 30 operations of the SOAP user management service through its generated
 * client function against the emulator's `/cert` endpoint over HTTPS on 127.0.0.1, the operator
 * authenticated by the TLS client certificate the DSS emulator holds for it; the effect of each
 * call is read back over SOAP. A recording fetch notes the action of every request; the last test
 * checks that all 30 went out. `/token` (the identity centre's SAML token got over WS-Trust, its
 * proof key protecting each message) for RegisterUser, GetUsers and DeleteUser.
 */
const ACTION_PREFIX = "http://dss.cryptopro.ru/services/2014/06/IUserManagementService/";
const called = new Set<string>();
let r: RunningSoap;
let c: soap.DssUmsSoapClient;
let fetchTrusting: typeof fetch;

/** A fetch that records the operation of each SOAP 1.2 request (the action of its media type). */
function recording(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    const type = new Headers(init?.headers).get("content-type") ?? "";
    const action = /action="([^"]+)"/.exec(type)?.[1];
    if (action?.startsWith(ACTION_PREFIX)) called.add(action.slice(ACTION_PREFIX.length));
    return inner(input, init);
  };
}

/** The DSSFault of a refused call, with its HTTP status. */
async function faultOf(call: Promise<unknown>) {
  const e = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(e instanceof SoapFaultError)) throw new Error(`expected a SOAP fault, got ${String(e)}`);
  return { status: e.status, ...readDssFault(e.detail) };
}

let n = 0;
/** A new user with a fresh login (and the identifiers given); its id. */
async function newUser(extra: Record<string, string> = {}, client = c): Promise<string> {
  n++;
  const made = await soap.registerUser(client, {
    identifiers: { Login: `soap-${n}`, ...extra },
  });
  return made.RegisterUserResult!;
}
const userOf = async (userId: string) => (await soap.getUserById(c, { userId })).GetUserByIdResult!;
const schemeOf = async (userId: string) =>
  (
    (await soap.getUserAuthenticationScheme(c, { userId })).GetUserAuthenticationSchemeResult
      ?.AuthenticationInfo ?? []
  ).map((s) => `${s!.MethodUri!.split("/").pop()}@${s!.Level}`);

const METHOD = "http://dss.cryptopro.ru/identity/authenticationmethod/";

beforeAll(async () => {
  r = await startSoapUms({ oathTokens: [{ serial: "AA000001", type: "HOTP" }] });
  fetchTrusting = clientCertificateFetch({ ...r.certOf(OPERATOR), ca: r.ca });
  c = soap.createDssUmsSoapClient({
    url: `${r.service}/cert`,
    fetch: recording(clientCertificateFetch({ ...r.certOf(OPERATOR), ca: r.ca })),
  });
});
afterAll(() => r?.close());

describe("metadata", () => {
  it("?wsdl on the service and on each endpoint lists both ports at this host, each at its path", async () => {
    for (const at of [r.service, `${r.service}/cert`, `${r.service}/token`]) {
      const wsdl = await (await fetchTrusting(`${at}?wsdl`)).text();
      const addresses = [...wsdl.matchAll(/<soap12:address location="([^"]+)"/g)].map((m) => m[1]);
      expect(addresses).toEqual([`${r.service}/cert`, `${r.service}/token`]);
      expect(wsdl).not.toContain("dss.cryptopro.ru/STS");
    }
  });
});

describe("policy", () => {
  it("GetPolicy: the emulator's identifier types, groups, methods and providers as SOAP members", async () => {
    const p = (await soap.getPolicy(c, {})).GetPolicyResult!;
    expect(p.AvaliableIdentifierTypes?.IdentifierType).toEqual(["Login", "Email", "PhoneNumber"]);
    expect(p.Groups?.IdentityGroupInfo?.[0]?.GroupList?.string).toEqual(["Default", "NewGroup"]);
    expect(p.AuthenticationPolicy?.Mode).toMatch(/^(On|Off|NotSet)$/);
    expect(p.AuthenticationPolicy?.AuthMethods?.AuthnMethodDescription).toContainEqual({
      Identifier: `${METHOD}password`,
      Type: "Primary",
    });
    expect(p.CryptoProviders?.CryptoProviderInfo?.[0]?.Type).toBe("GOST");
    expect(p.Rdns?.RdnInfo?.find((x) => x?.StringIdentifier === "CN")?.Id).toBe(11);
  });
});

describe("accounts", () => {
  it("RegisterUser, GetUserById and GetUser: the user with each identifier, in the group asked", async () => {
    const userId = await newUser({ Email: "soap1@example.ru", PhoneNumber: "+79150510001" });
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    const user = await userOf(userId);
    expect(user).toMatchObject({
      UserId: userId,
      Login: `soap-${n}`,
      Email: "soap1@example.ru",
      PhoneNumber: "+79150510001",
      Group: "Default",
      AccountLocked: false,
    });
    for (const [type, identifierValue] of [
      ["Email", "SOAP1@example.ru"],
      ["PhoneNumber", "+7 915 051-00-01"],
      ["Login", `soap-${n}`],
    ] as const) {
      const found = await soap.getUser(c, { type, identifierValue });
      expect(found.GetUserResult?.UserId).toBe(userId);
    }
    const grouped = await soap.registerUser(c, {
      identifiers: { Login: "soap-grouped" },
      groupName: "NewGroup",
    });
    expect((await userOf(grouped.RegisterUserResult!)).Group).toBe("NewGroup");
  });

  it("SetUserGroup moves the user; ResetPassword gives the identity centre a new password", async () => {
    const userId = await newUser();
    await soap.setUserGroup(c, { userId, groupName: "NewGroup" });
    expect((await userOf(userId)).Group).toBe("NewGroup");
    const password = (await soap.resetPassword(c, { userId })).ResetPasswordResult!;
    expect(password).toHaveLength(8);
    expect(r.emulator.dss!.state.checkPassword(`soap-${n}`, password)?.login).toBe(`soap-${n}`);
  });

  it("AddExternalLogin links a login of a trusted identity provider", async () => {
    const userId = await newUser();
    await soap.addExternalLogin(c, { userId, login: "ivanov@corp", idpName: "ADFS" });
    expect(r.emulator.state.user(userId).externalLogins).toEqual([
      { Login: "ivanov@corp", IssuerName: "ADFS" },
    ]);
  });

  it("SetUserDistinguishName writes the name by the policy's Rdns ids", async () => {
    const userId = await newUser();
    await soap.setUserDistinguishName(c, {
      userId,
      components: { 11: "SampleCN", 10: "SampleOU" },
    });
    expect((await userOf(userId)).DistinguishName).toBe("CN=SampleCN, OU=SampleOU");
  });

  it("SetUserProperty: DisplayName (xs:string) and AccountState (xs:boolean)", async () => {
    const userId = await newUser();
    await soap.setUserProperty(c, {
      userId,
      property: { PropertyType: "DisplayName", Value: "Иванов Иван Иванович" },
    });
    expect((await userOf(userId)).DisplayName).toBe("Иванов Иван Иванович");
    await soap.setUserProperty(c, {
      userId,
      property: { PropertyType: "AccountState", Value: true },
    });
    expect((await userOf(userId)).AccountLocked).toBe(true);
    await soap.setUserProperty(c, {
      userId,
      property: { PropertyType: "AccountState", Value: false },
    });
    const unlocked = await userOf(userId);
    expect(unlocked.AccountLocked).toBe(false);
    expect(unlocked.LockoutDate).not.toBeNull();
  });

  it("GetUsers: filters, paging and counts", async () => {
    for (let i = 0; i < 3; i++)
      await soap.registerUser(c, { identifiers: { Login: `paged-${i}` } });
    const page = await soap.getUsers(c, {
      request: {
        StartPosition: 1,
        EndPosition: 3,
        Filters: { UserFilter: [{ Column: "Login", Operation: "Like", Value: "paged-%" }] },
      },
    });
    // TotalCount: every user; AffectedCount: those the filters keep.
    expect(page.GetUsersResult).toMatchObject({
      TotalCount: r.emulator.state.users.size,
      AffectedCount: 3,
    });
    expect(page.GetUsersResult?.UserInfos?.DssUserInfo?.map((u) => u?.Login)).toEqual([
      "paged-1",
      "paged-2",
    ]);
    const exact = await soap.getUsers(c, {
      request: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: { UserFilter: [{ Column: "Login", Operation: "Equal", Value: "paged-0" }] },
      },
    });
    expect(exact.GetUsersResult?.UserInfos?.DssUserInfo).toHaveLength(1);
  });

  it("DeleteUser removes the user and its identity centre account", async () => {
    const userId = await newUser();
    const login = `soap-${n}`;
    await soap.deleteUser(c, { userId });
    expect(await faultOf(soap.getUserById(c, { userId }))).toMatchObject({
      status: 500,
      Code: "UserNotFound",
    });
    expect(r.emulator.dss!.state.users.has(login)).toBe(false);
  });
});

describe("phone, e-mail and the authentication scheme", () => {
  it("SetUserPhoneNumber, GetUserPhoneInfo and GetUserEmailInfo", async () => {
    const userId = await newUser({ Email: "soap-mail@example.ru" });
    await soap.setUserPhoneNumber(c, { userId, phoneNumber: "+79150510002" });
    expect((await soap.getUserPhoneInfo(c, { userId })).GetUserPhoneInfoResult).toEqual({
      PhoneNumber: "+79150510002",
      Confirmed: false,
    });
    expect((await soap.getUserEmailInfo(c, { userId })).GetUserEmailInfoResult).toEqual({
      Email: "soap-mail@example.ru",
      Confirmed: false,
    });
  });

  it("AssignAuthenticationMethod and RemoveAuthenticationMethod by Table 56's URIs", async () => {
    const userId = await newUser({ PhoneNumber: "+79150510003" });
    await soap.assignAuthenticationMethod(c, { userId, methodUri: `${METHOD}password`, level: 1 });
    await soap.assignAuthenticationMethod(c, { userId, methodUri: `${METHOD}otpviasms`, level: 2 });
    expect(await schemeOf(userId)).toEqual(["password@1", "otpviasms@2"]);
    await soap.removeAuthenticationMethod(c, { userId, methodUri: `${METHOD}otpviasms` });
    expect(await schemeOf(userId)).toEqual(["password@1"]);
  });

  it("SetUserOperationPolicy and GetUserOperationPolicy: the actions to confirm", async () => {
    const userId = await newUser();
    await soap.setUserOperationPolicy(c, {
      userId,
      operations: { DSSActions: ["Issue", "SignDocument"] },
    });
    const answer = await soap.getUserOperationPolicy(c, { userId });
    const all = answer.GetUserOperationPolicyResult?.OperationPolicy ?? [];
    expect(all).toHaveLength(11);
    expect(all.filter((o) => o?.ConfirmationRequired).map((o) => o?.Action)).toEqual([
      "Issue",
      "SignDocument",
    ]);
  });
});

describe("authenticators", () => {
  it("SetUserOtpToken (HOTP: two passwords; TOTP: the first repeated), GetUserOtpTokenInfo, GetAuthnTokens, RemoveUserAuthenticationData", async () => {
    // HOTP: a serial the service knows, two consecutive passwords; TOTP (§4.1.8, lines
    // 5180-5182): a serial it does not know, its one password given twice.
    const enrolled: Record<string, string> = {};
    for (const [serial, secondOtp, type] of [
      ["AA000001", "792144", "HOTP"],
      ["AA000003", "253311", "TOTP"],
    ] as const) {
      const userId = await newUser();
      await soap.setUserOtpToken(c, { userId, serial, firstOtp: "253311", secondOtp });
      const info = await soap.getUserOtpTokenInfo(c, { userId });
      expect(info.GetUserOtpTokenInfoResult).toEqual({ Serial: serial, Type: type });
      enrolled[type] = userId;
    }
    const totp = enrolled.TOTP!;
    const tokens = await soap.getAuthnTokens(c, {
      request: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: { TokenFilter: [{ Column: "Serial", Operation: "Like", Value: "AA00000%" }] },
      },
    });
    expect(
      tokens.GetAuthnTokensResult?.TokenInfos?.DssTokenInfo?.map((t) => [t?.Serial, t?.TokenType]),
    ).toEqual([
      ["AA000001", "HOTP"],
      ["AA000003", "TOTP"],
    ]);
    await soap.removeUserAuthenticationData(c, { userId: totp, methodUri: `${METHOD}oath` });
    expect(await faultOf(soap.getUserOtpTokenInfo(c, { userId: totp }))).toMatchObject({
      status: 500,
      Code: "AuthenticationDataMissing",
    });
  });

  it("SetUserSimAuthToken and GetUserSimAuthInfo: the SIM card with the policy's provider", async () => {
    const userId = await newUser({ PhoneNumber: "+79150510004" });
    const policy = (await soap.getPolicy(c, {})).GetPolicyResult!;
    const providerId = policy.CryptoProviders!.CryptoProviderInfo![0]!.Id!;
    await soap.setUserSimAuthToken(c, { userId, iccId: "89701012417925380048", providerId });
    const sim = (await soap.getUserSimAuthInfo(c, { userId })).GetUserSimAuthInfoResult!;
    expect(sim).toMatchObject({
      IccId: "89701012417925380048",
      ProfileId: providerId,
      PhoneNumber: "+79150510004",
      LastKnownStatus: 0,
    });
    expect(sim.ActivationCode).toMatch(/^\d{8}$/);
  });

  it("myDSS: SetUserMobileAuthToken, GetUserMobileAuthInfo, UpdateUserMobileAuthToken, SetMobileAuthDeviceThumbprint, DeleteUserMobileAuthToken", async () => {
    const userId = await newUser();
    const made = (
      await soap.setUserMobileAuthToken(c, {
        userId,
        userContactInfo: "+79150510005",
        userContactInfoType: "PhoneNumber",
      })
    ).SetUserMobileAuthTokenResult!;
    expect(made.ExternalUserId).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.QrCode).toMatch(/^R0lGOD/);
    const info = (await soap.getUserMobileAuthInfo(c, { userId })).GetUserMobileAuthInfoResult!;
    expect(info).toEqual({
      UserId: made.ExternalUserId,
      KeyExpirationTime: made.KeyExpirationTime,
    });
    const renewed = (
      await soap.updateUserMobileAuthToken(c, {
        userId,
        userContactInfo: "soap-mydss@example.ru",
        userContactInfoType: "EmailAddress",
      })
    ).UpdateUserMobileAuthTokenResult!;
    expect(renewed.QrCode).toMatch(/^R0lGOD/);
    expect(r.emulator.state.user(userId).mobile?.contact).toBe("soap-mydss@example.ru");
    await soap.setMobileAuthDeviceThumbprint(c, {
      userId,
      deviceThumbprint: "3F2504E04F8911D39A0C0305E82C3301",
    });
    const tokens = await soap.getAuthnTokens(c, {
      request: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: {
          TokenFilter: [{ Column: "Serial", Operation: "Equal", Value: made.ExternalUserId }],
        },
      },
    });
    const token = tokens.GetAuthnTokensResult?.TokenInfos?.DssTokenInfo?.[0];
    expect(token).toMatchObject({ TokenType: "MobileAuth", UserName: `soap-${n}` });
    expect(token?.Parameters?.DeviceThumbprint).toBe("3F2504E04F8911D39A0C0305E82C3301");
    await soap.deleteUserMobileAuthToken(c, { userId });
    expect(await faultOf(soap.getUserMobileAuthInfo(c, { userId }))).toMatchObject({
      status: 500,
      Code: "AuthenticationDataMissing",
    });
  });
});

describe("/token: the identity centre's SAML token", () => {
  it("RegisterUser, GetUsers, GetUserById, GetPolicy and DeleteUser with the operator's token, the proof key protecting each message", async () => {
    const t = await r.soapToken(OPERATOR);
    const made = await soap.registerUser(t, { identifiers: { Login: "token-user" } });
    const userId = made.RegisterUserResult!;
    const found = await soap.getUsers(t, {
      request: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: { UserFilter: [{ Column: "Login", Operation: "Equal", Value: "token-user" }] },
      },
    });
    expect(found.GetUsersResult?.UserInfos?.DssUserInfo?.map((u) => u?.UserId)).toEqual([userId]);
    expect((await soap.getUserById(t, { userId })).GetUserByIdResult?.Login).toBe("token-user");
    expect((await soap.getPolicy(t, {})).GetPolicyResult?.AllowUserRegistration).toBe(true);
    await soap.deleteUser(t, { userId });
    expect(r.emulator.state.users.has(userId)).toBe(false);
  });
});

it("all 30 operations were called over /cert", () => {
  const all = Object.values(service.operations).map((op) => op.name);
  expect(all).toHaveLength(30);
  expect(all.filter((name) => !called.has(name))).toEqual([]);
});
