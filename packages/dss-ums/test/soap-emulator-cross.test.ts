import { ApiError } from "@trustspec/runtime";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rest from "../src/generated/ums/client.gen.js";
import {
  AuthnLevel,
  CryptoProviderProfileType,
  DSSActions,
  IdentifierType,
  MfaPolicy,
} from "../src/generated/ums/types.gen.js";
import * as soap from "../src/generated/ums-soap/client.gen.js";
import { type RunningSoap, startSoapUms } from "./soap-emulator-support.js";

/**
 * One state, two interfaces: what the SOAP service (`/cert`) writes the REST service
 * (`/STS/ums`) reads, and the reverse, for each kind of resource: the user, its identifiers and
 * group, its authentication scheme and confirmation policy, its authenticators (OATH token, SIM
 * card, myDSS key) and the policy; and the two functions only SOAP has, seen over REST.
 */
let r: RunningSoap;
const path = (id: string) => ({ path: { id } });
const METHOD = "http://dss.cryptopro.ru/identity/authenticationmethod/";

/** The member name of an enumeration value given as a code or a name. */
function nameOf(e: Record<string, number>, value: number | string): string {
  return typeof value === "string" ? value : Object.keys(e).find((k) => e[k] === value)!;
}

let n = 0;
const viaSoap = async (identifiers: Record<string, string> = {}) =>
  (await soap.registerUser(r.soap, { identifiers: { Login: `cross-soap-${++n}`, ...identifiers } }))
    .RegisterUserResult!;
const viaRest = async (body: Record<string, string> = {}) =>
  (await rest.createUser(r.rest, { body: { Login: `cross-rest-${++n}`, ...body } })).data;

beforeAll(async () => {
  r = await startSoapUms({ oathTokens: [{ serial: "BB000001", type: "HOTP" }] });
});
afterAll(() => r?.close());

describe("users", () => {
  it("registered over SOAP, found over REST by id, by login and in the search", async () => {
    const id = await viaSoap({ Email: "cross1@example.ru" });
    const login = `cross-soap-${n}`;
    expect((await rest.getUserById(r.rest, path(id))).data).toMatchObject({
      UserId: id,
      Login: login,
      Email: "cross1@example.ru",
    });
    const byLogin = await rest.getUserByIdentifier(r.rest, {
      query: { type: "Login", value: login },
    });
    expect(byLogin.data.UserId).toBe(id);
    const found = await rest.searchUsers(r.rest, {
      body: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: [{ Column: "Email", Operation: "Equal", Value: "cross1@example.ru" }],
      },
    });
    expect(found.data.UserInfos.map((u) => u.UserId)).toEqual([id]);
  });

  it("registered over REST, found over SOAP; each deleted over the other interface", async () => {
    const id = await viaRest();
    const login = `cross-rest-${n}`;
    expect(
      (await soap.getUser(r.soap, { type: "Login", identifierValue: login })).GetUserResult,
    ).toMatchObject({ UserId: id, Login: login });
    // The same record both ways, member for member.
    const overRest = (await rest.getUserById(r.rest, path(id))).data;
    expect((await soap.getUserById(r.soap, { userId: id })).GetUserByIdResult).toEqual(overRest);
    await soap.deleteUser(r.soap, { userId: id });
    const gone = await rest.getUserById(r.rest, path(id)).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiError);
    expect((gone as ApiError).status).toBe(404);
    const other = await viaSoap();
    await rest.deleteUser(r.rest, path(other));
    const fault = await soap.getUserById(r.soap, { userId: other }).catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(SoapFaultError);
    expect((fault as SoapFaultError).status).toBe(500);
  });
});

describe("identifiers, group, name and lock", () => {
  it("phone number set over SOAP, read over REST (and found by it); e-mail set over REST, read over SOAP", async () => {
    const id = await viaSoap();
    await soap.setUserPhoneNumber(r.soap, { userId: id, phoneNumber: "+79150520001" });
    expect((await rest.getPhoneNumber(r.rest, path(id))).data).toEqual({
      PhoneNumber: "+79150520001",
      Confirmed: false,
    });
    const byPhone = await rest.getUserByIdentifier(r.rest, {
      query: { type: "PhoneNumber", value: "79150520001" },
    });
    expect(byPhone.data.UserId).toBe(id);
    await rest.setEmail(r.rest, { ...path(id), body: "cross2@example.ru" });
    expect((await soap.getUserEmailInfo(r.soap, { userId: id })).GetUserEmailInfoResult).toEqual({
      Email: "cross2@example.ru",
      Confirmed: false,
    });
    const byEmail = await soap.getUser(r.soap, {
      type: "Email",
      identifierValue: "cross2@example.ru",
    });
    expect(byEmail.GetUserResult?.UserId).toBe(id);
  });

  it("group and subject name set over one interface, read over the other; locked over REST, seen over SOAP", async () => {
    const id = await viaRest();
    await soap.setUserGroup(r.soap, { userId: id, groupName: "NewGroup" });
    expect((await rest.getGroup(r.rest, path(id))).data).toBe("NewGroup");
    await rest.setDistinguishedName(r.rest, { ...path(id), body: { "11": "Cross CN" } });
    expect(
      (await soap.getUserById(r.soap, { userId: id })).GetUserByIdResult?.DistinguishName,
    ).toBe("CN=Cross CN");
    await rest.setLockout(r.rest, { ...path(id), query: { lock: true } });
    expect((await soap.getUserById(r.soap, { userId: id })).GetUserByIdResult?.AccountLocked).toBe(
      true,
    );
  });
});

describe("authentication methods and confirmation policy", () => {
  it("methods assigned over SOAP read over REST, and the reverse", async () => {
    const id = await viaSoap({ PhoneNumber: "+79150520002" });
    await soap.assignAuthenticationMethod(r.soap, {
      userId: id,
      methodUri: `${METHOD}password`,
      level: 1,
    });
    expect((await rest.getAuthenticationScheme(r.rest, path(id))).data).toEqual([
      { MethodUri: `${METHOD}password`, Level: 1 },
    ]);
    await rest.assignOtpViaSmsMethod(r.rest, { ...path(id), query: { level: 2 } });
    const scheme = await soap.getUserAuthenticationScheme(r.soap, { userId: id });
    expect(scheme.GetUserAuthenticationSchemeResult?.AuthenticationInfo).toEqual([
      { Level: 1, MethodUri: `${METHOD}password` },
      { Level: 2, MethodUri: `${METHOD}otpviasms` },
    ]);
  });

  it("operation policy set over SOAP read over REST, and the reverse", async () => {
    const id = await viaRest();
    await soap.setUserOperationPolicy(r.soap, {
      userId: id,
      operations: { DSSActions: ["SignDocuments", "ChangePin"] },
    });
    const overRest = (await rest.getOperationPolicy(r.rest, path(id))).data;
    expect(
      overRest.filter((o) => o.ConfirmationRequired).map((o) => nameOf(DSSActions, o.Action)),
    ).toEqual(["SignDocuments", "ChangePin"]);
    await rest.setOperationPolicy(r.rest, { ...path(id), body: [DSSActions.Issue] });
    const overSoap = await soap.getUserOperationPolicy(r.soap, { userId: id });
    expect(
      overSoap.GetUserOperationPolicyResult?.OperationPolicy?.filter(
        (o) => o?.ConfirmationRequired,
      ).map((o) => o?.Action),
    ).toEqual(["Issue"]);
  });
});

describe("authenticators", () => {
  it("OATH token assigned over SOAP read over REST (user and token search), SIM card over REST read over SOAP", async () => {
    const id = await viaSoap({ PhoneNumber: "+79150520003" });
    await soap.setUserOtpToken(r.soap, {
      userId: id,
      serial: "BB000001",
      firstOtp: "111111",
      secondOtp: "222222",
    });
    expect((await rest.getOathToken(r.rest, path(id))).data).toEqual({
      Serial: "BB000001",
      Type: "HOTP",
    });
    const tokens = await rest.searchAuthnTokens(r.rest, {
      body: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: [{ Column: "Serial", Operation: "Equal", Value: "BB000001" }],
      },
    });
    expect(tokens.data.TokenInfos[0]).toMatchObject({ UserName: `cross-soap-${n}` });
    await rest.setSimAuth(r.rest, { ...path(id), body: { IccId: "8970101241792538004" } });
    const sim = (await soap.getUserSimAuthInfo(r.soap, { userId: id })).GetUserSimAuthInfoResult!;
    expect(sim).toMatchObject({ IccId: "8970101241792538004", PhoneNumber: "+79150520003" });
    const overSoap = await soap.getAuthnTokens(r.soap, {
      request: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: { TokenFilter: [{ Column: "TokenType", Operation: "Equal", Value: "SimAuth" }] },
      },
    });
    expect(
      overSoap.GetAuthnTokensResult?.TokenInfos?.DssTokenInfo?.map((t) => t?.Serial),
    ).toContain("8970101241792538004");
  });

  it("myDSS key enrolled over REST read over SOAP; removed over SOAP, gone over REST", async () => {
    const id = await viaRest();
    const made = await rest.setMobileAuth(r.rest, {
      ...path(id),
      body: { UserContactInfo: "+79150520004", UserContactInfoType: "PhoneNumber" },
    });
    const info = await soap.getUserMobileAuthInfo(r.soap, { userId: id });
    expect(info.GetUserMobileAuthInfoResult).toEqual({
      UserId: made.data.ExternalUserId,
      KeyExpirationTime: made.data.KeyExpirationTime,
    });
    await soap.deleteUserMobileAuthToken(r.soap, { userId: id });
    const gone = await rest.getMobileAuth(r.rest, path(id)).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiError);
  });
});

describe("policy", () => {
  it("GetPolicy over SOAP is the REST policy, codes as member names, also after DSS's confirmation setting changes", async () => {
    const dssPolicy = r.emulator.dss!.policy as { TransactionConfirmation: unknown };
    const saved = dssPolicy.TransactionConfirmation;
    try {
      for (const setting of [saved, 0]) {
        dssPolicy.TransactionConfirmation = setting;
        const p = (await rest.getPolicy(r.rest, {})).data;
        const s = (await soap.getPolicy(r.soap, {})).GetPolicyResult!;
        expect(s.AvaliableIdentifierTypes?.IdentifierType).toEqual(
          p.AvaliableIdentifierTypes.map((t) => nameOf(IdentifierType, t)),
        );
        expect(s.AuthenticationPolicy?.Mode).toBe(nameOf(MfaPolicy, p.AuthenticationPolicy.Mode));
        expect(s.AuthenticationPolicy?.AuthMethods?.AuthnMethodDescription).toEqual(
          p.AuthenticationPolicy.AuthMethods.map((m) => ({
            Identifier: m.Identifier,
            Type: nameOf(AuthnLevel, m.Type),
          })),
        );
        expect(s.Groups?.IdentityGroupInfo?.map((g) => g?.GroupList?.string)).toEqual(
          p.Groups.map((g) => g.GroupList),
        );
        expect(s.Rdns?.RdnInfo).toEqual(p.Rdns);
        expect(s.CryptoProviders?.CryptoProviderInfo).toEqual(
          p.CryptoProviders.map((c) => ({ ...c, Type: nameOf(CryptoProviderProfileType, c.Type) })),
        );
        expect(s.MobileAuthSettings).toEqual(p.MobileAuthSettings);
      }
      expect((await soap.getPolicy(r.soap, {})).GetPolicyResult?.AuthenticationPolicy?.Mode).toBe(
        "On",
      );
    } finally {
      dssPolicy.TransactionConfirmation = saved;
    }
  });
});

describe("the functions only SOAP has, seen over REST", () => {
  it("SetUserProperty DisplayName: REST's DssUserInfo.DisplayName, also in the user search", async () => {
    const id = await viaRest();
    await soap.setUserProperty(r.soap, {
      userId: id,
      property: { PropertyType: "DisplayName", Value: "Петров Пётр" },
    });
    expect((await rest.getUserById(r.rest, path(id))).data.DisplayName).toBe("Петров Пётр");
    const found = await rest.searchUsers(r.rest, {
      body: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: [{ Column: "Login", Operation: "Equal", Value: `cross-rest-${n}` }],
      },
    });
    expect(found.data.UserInfos[0]?.DisplayName).toBe("Петров Пётр");
  });

  it("SetUserProperty AccountState: REST's AccountLocked, and the identity centre refuses the sign-in", async () => {
    const id = await viaRest();
    await soap.setUserProperty(r.soap, {
      userId: id,
      property: { PropertyType: "AccountState", Value: true },
    });
    expect((await rest.getUserById(r.rest, path(id))).data.AccountLocked).toBe(true);
    expect(r.emulator.dss!.state.users.get(`cross-rest-${n}`)?.locked).toBe(true);
  });

  it("SetMobileAuthDeviceThumbprint: the DeviceThumbprint parameter of the myDSS token in REST's token search", async () => {
    const id = await viaRest();
    const made = await rest.setMobileAuth(r.rest, {
      ...path(id),
      body: { UserContactInfo: "cross3@example.ru", UserContactInfoType: "EmailAddress" },
    });
    await soap.setMobileAuthDeviceThumbprint(r.soap, {
      userId: id,
      deviceThumbprint: "9F86D081884C7D659A2FEAA0C55AD015",
    });
    const tokens = await rest.searchAuthnTokens(r.rest, {
      body: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: [{ Column: "Serial", Operation: "Equal", Value: made.data.ExternalUserId }],
      },
    });
    expect(tokens.data.TokenInfos).toHaveLength(1);
    expect(tokens.data.TokenInfos[0]).toMatchObject({
      TokenType: "MobileAuth",
      Parameters: { DeviceThumbprint: "9F86D081884C7D659A2FEAA0C55AD015" },
    });
  });
});
