import { createDssStsClient, requestPasswordToken } from "@trustspec/dss";
import { ApiError } from "@trustspec/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ums from "../src/generated/ums/client.gen.js";
import { operationList } from "../src/generated/ums/operations.gen.js";
import { type Running, startUms } from "./emulator-support.js";

/**
 * Every one of the 49 operations through its generated client function against the emulator
 * over HTTP on 127.0.0.1 (beside the DSS emulator, the operator authorised by its identity
 * centre's token), with the state each needs and its effect checked. Requests and answers are
 * checked strictly both ways: by the client and by the emulator itself. A middleware records
 * which operations went out; the last test checks that all 49 did.
 */
const called = new Set<string>();
let r: Running;
let loginOnly: Running;
let c: ums.DssUmsClient;
let c2: ums.DssUmsClient;

/** A client that records the operations it sends. */
function recording(base: ums.DssUmsClient): ums.DssUmsClient {
  return {
    validator: base.validator,
    options: {
      ...base.options,
      middleware: [{ onRequest: (req) => void called.add(req.operationId) }],
    },
  };
}

let n = 0;
/** A new user with a fresh login; returns its id. */
async function newUser(
  client: ums.DssUmsClient = c,
  extra: Record<string, string> = {},
): Promise<string> {
  n++;
  return (await ums.createUser(client, { body: { Login: `contract-${n}`, ...extra } })).data;
}

const id = (userId: string) => ({ path: { id: userId } });
const schemeOf = async (userId: string) =>
  (await ums.getAuthenticationScheme(c, id(userId))).data.map(
    (s) => `${s.MethodUri.split("/").pop()}@${s.Level}`,
  );

beforeAll(async () => {
  r = await startUms({ oathTokens: [{ serial: "AA000001", type: "HOTP" }] });
  loginOnly = await startUms({ standalone: true, identifierTypes: ["Login"] });
  c = recording(r.ums);
  c2 = recording(loginOnly.ums);
});
afterAll(async () => {
  await r.close();
  await loginOnly.close();
});

describe("policy", () => {
  it("getPolicy: the guide's example shape with the emulator's groups and providers", async () => {
    const { data } = await ums.getPolicy(c);
    expect(data.AvaliableIdentifierTypes).toEqual([0, 2, 1]);
    expect(data.Groups).toEqual([
      { IdentityProviderName: "realsts", GroupList: ["Default", "NewGroup"] },
    ]);
    expect(data.Rdns).toHaveLength(16);
    expect(data.Rdns.find((x) => x.StringIdentifier === "CN")).toMatchObject({
      Id: 11,
      Required: true,
    });
    expect(data.AuthenticationPolicy.AuthMethods).toHaveLength(10);
    expect(data.AuthenticationPolicy.OperationPolicy.map((p) => p.Action)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
    ]);
    expect(data.CryptoProviders[0]?.Id).toBe("3e906aff-8639-463e-af59-07a44a96dd21");
  });
});

describe("users", () => {
  it("createUser: a GUID; the user joins the operator's first group", async () => {
    const { data } = await ums.createUser(c, {
      body: { Login: "RestTestUser", Email: "test@cp.ru", PhoneNumber: "+79150510528" },
    });
    expect(data).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const info = (await ums.getUserById(c, id(data))).data;
    expect(info).toMatchObject({
      UserId: data,
      Login: "RestTestUser",
      Email: "test@cp.ru",
      PhoneNumber: "+79150510528",
      Group: "Default",
      AccountLocked: false,
      PhoneConfirmed: false,
    });
    expect(info.LastLoginDate).toBe(info.CreationDate);
  });

  it("createUserInGroup: into the group the path names", async () => {
    const { data } = await ums.createUserInGroup(c, {
      path: { id: "NewGroup" },
      body: { Login: "in-new-group" },
    });
    expect((await ums.getUserById(c, id(data))).data.Group).toBe("NewGroup");
  });

  it("getUserById and getUserByIdentifier find the same user by each identifier type", async () => {
    const userId = await newUser(c, { PhoneNumber: "79998887766", Email: "find@cp.ru" });
    const byId = (await ums.getUserById(c, id(userId))).data;
    for (const query of [
      { type: "Login", value: byId.Login },
      { type: "login", value: byId.Login.toUpperCase() },
      { type: "PhoneNumber", value: "+79998887766" },
      { type: "Email", value: "FIND@cp.ru" },
    ]) {
      expect((await ums.getUserByIdentifier(c, { query })).data).toEqual(byId);
    }
  });

  it("a user registered by phone number alone has it as login (chapter 8, lines 13834-13836)", async () => {
    const userId = (await ums.createUser(c, { body: { PhoneNumber: "79990001122" } })).data;
    expect((await ums.getUserById(c, id(userId))).data).toMatchObject({
      Login: "79990001122",
      PhoneNumber: "79990001122",
    });
  });

  it("deleteUser: gone after, and deleting again is no error (guide, line 13231)", async () => {
    const userId = await newUser();
    await ums.deleteUser(c, id(userId));
    await expect(ums.getUserById(c, id(userId))).rejects.toMatchObject({ status: 404 });
    expect((await ums.deleteUser(c, id(userId))).status).toBe(200);
  });

  it("addExternalLogin and listExternalLogins: linked logins, then the user's own", async () => {
    const userId = await newUser();
    await ums.addExternalLogin(c, {
      ...id(userId),
      body: { Login: "ADFSRestUser", IssuerName: "ADFS" },
    });
    const { data } = await ums.listExternalLogins(c, id(userId));
    expect(data).toEqual([
      { Login: "ADFSRestUser", IssuerName: "ADFS" },
      { Login: `contract-${n}`, IssuerName: "realsts" },
    ]);
  });

  it("setLockout: a locked user cannot sign in to the identity centre; LockoutDate when unlocked", async () => {
    const userId = await newUser();
    const password = (await ums.resetPassword(c, id(userId))).data;
    const sts = createDssStsClient({ baseUrl: `${r.url}/STS` });
    const signIn = () =>
      requestPasswordToken(sts, {
        client: { clientId: "dss.sample" },
        username: `contract-${n}`,
        password,
      });
    await expect(signIn()).resolves.toMatchObject({ token_type: expect.any(String) });
    await ums.setLockout(c, { ...id(userId), query: { lock: true } });
    expect((await ums.getUserById(c, id(userId))).data).toMatchObject({
      AccountLocked: true,
      LockoutDate: null,
    });
    await expect(signIn()).rejects.toMatchObject({ error: "invalid_grant" });
    await ums.setLockout(c, { ...id(userId), query: { lock: false } });
    const unlocked = (await ums.getUserById(c, id(userId))).data;
    expect(unlocked.AccountLocked).toBe(false);
    expect(unlocked.LockoutDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await expect(signIn()).resolves.toBeTruthy();
  });

  it("setDistinguishedName: components by RdnInfo.Id, written CN first", async () => {
    const userId = await newUser();
    await ums.setDistinguishedName(c, {
      ...id(userId),
      body: { "11": "SampleCN", "10": "SampleOU" },
    });
    expect((await ums.getUserById(c, id(userId))).data.DistinguishName).toBe(
      "CN=SampleCN, OU=SampleOU",
    );
  });

  it("getGroup and setGroup", async () => {
    const userId = await newUser();
    expect((await ums.getGroup(c, id(userId))).data).toBe("Default");
    await ums.setGroup(c, { ...id(userId), body: "NewGroup" });
    expect((await ums.getGroup(c, id(userId))).data).toBe("NewGroup");
  });

  it("resetPassword: a new random password the user signs in with", async () => {
    const userId = await newUser();
    const first = (await ums.resetPassword(c, id(userId))).data;
    const second = (await ums.resetPassword(c, id(userId))).data;
    expect(first).toMatch(/^.{8}$/);
    expect(second).not.toBe(first);
    const sts = createDssStsClient({ baseUrl: `${r.url}/STS` });
    const token = requestPasswordToken(sts, {
      client: { clientId: "dss.sample" },
      username: `contract-${n}`,
      password: first,
    });
    await expect(token).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(
      requestPasswordToken(sts, {
        client: { clientId: "dss.sample" },
        username: `contract-${n}`,
        password: second,
      }),
    ).resolves.toMatchObject({ access_token: expect.any(String) });
  });
});

describe("authentication data", () => {
  it("setPhoneNumber, getPhoneNumber; deletePhoneNumber where phone is no identifier type", async () => {
    const userId = await newUser();
    await ums.setPhoneNumber(c, { ...id(userId), body: "+79150000000" });
    expect((await ums.getPhoneNumber(c, id(userId))).data).toEqual({
      PhoneNumber: "+79150000000",
      Confirmed: false,
    });
    const other = await newUser(c2);
    await ums.setPhoneNumber(c2, { ...id(other), body: "79150000000" });
    await ums.deletePhoneNumber(c2, id(other));
    expect((await ums.getPhoneNumber(c2, id(other))).data).toEqual({
      PhoneNumber: null,
      Confirmed: false,
    });
  });

  it("setEmail, getEmail; deleteEmail where e-mail is no identifier type", async () => {
    const userId = await newUser();
    await ums.setEmail(c, { ...id(userId), body: "sample@cp.ru" });
    expect((await ums.getEmail(c, id(userId))).data).toEqual({
      Email: "sample@cp.ru",
      Confirmed: false,
    });
    const other = await newUser(c2);
    await ums.setEmail(c2, { ...id(other), body: "sample@cp.ru" });
    await ums.deleteEmail(c2, id(other));
    expect((await ums.getEmail(c2, id(other))).data).toEqual({ Email: null, Confirmed: false });
  });

  it("setOathToken, getOathToken, deleteOathToken: an imported HOTP token assigned and released", async () => {
    const userId = await newUser();
    await ums.setOathToken(c, {
      ...id(userId),
      body: { Serial: "AA000001", FirstOtp: "253311", SecondOtp: "568278" },
    });
    expect((await ums.getOathToken(c, id(userId))).data).toEqual({
      Serial: "AA000001",
      Type: "HOTP",
    });
    await ums.deleteOathToken(c, id(userId));
    await expect(ums.getOathToken(c, id(userId))).rejects.toMatchObject({ status: 400 });
  });

  it("setSimAuth, getSimAuth, activateSimAuth, deleteSimAuth", async () => {
    const userId = await newUser(c, { PhoneNumber: "79991112233" });
    await ums.setSimAuth(c, { ...id(userId), body: { IccId: "89701010061787918181" } });
    const info = (await ums.getSimAuth(c, id(userId))).data;
    expect(info).toMatchObject({
      IccId: "89701010061787918181",
      ProfileId: "3e906aff-8639-463e-af59-07a44a96dd21",
      PhoneNumber: "79991112233",
      LastKnownStatus: 0,
    });
    expect(info.ActivationCode).toMatch(/^\d{8}$/);
    const a = (await ums.activateSimAuth(c, id(userId))).data;
    const b = (await ums.activateSimAuth(c, id(userId))).data;
    expect(Number(b)).toBe(Number(a) + 1);
    await ums.deleteSimAuth(c, id(userId));
    await expect(ums.getSimAuth(c, id(userId))).rejects.toMatchObject({ status: 400 });
  });

  it("setMobileAuth, getMobileAuth, updateMobileAuth, deleteMobileAuth", async () => {
    const userId = await newUser();
    const made = (
      await ums.setMobileAuth(c, {
        ...id(userId),
        body: {
          UserContactInfo: "79150000000",
          UserContactInfoType: "PhoneNumber",
          NeedXmlKeyInfo: true,
          KeyInfoPinCode: "123456",
        },
      })
    ).data;
    expect(made.QrCode).toMatch(/^R0lGOD/);
    expect(made.XmlKeyInfo).toContain(`<userId>${userId}</userId>`);
    const info = (await ums.getMobileAuth(c, id(userId))).data;
    expect(info).toEqual({
      UserId: made.ExternalUserId,
      KeyExpirationTime: made.KeyExpirationTime,
    });
    const renewed = (
      await ums.updateMobileAuth(c, {
        ...id(userId),
        body: { UserContactInfo: "someone@cp.ru", UserContactInfoType: "EmailAddress" },
      })
    ).data;
    expect(renewed.ExternalUserId).toBe(made.ExternalUserId);
    expect(renewed.XmlKeyInfo).toBeUndefined();
    await ums.deleteMobileAuth(c, id(userId));
    await expect(ums.getMobileAuth(c, id(userId))).rejects.toMatchObject({ status: 400 });
  });
});

describe("authentication scheme", () => {
  const pairs = [
    ["idonly", ums.assignIdOnlyMethod, ums.removeIdOnlyMethod, "none"],
    ["password", ums.assignPasswordMethod, ums.removePasswordMethod, "password"],
    ["otpviasms", ums.assignOtpViaSmsMethod, ums.removeOtpViaSmsMethod, "otpviasms"],
    ["otpviaemail", ums.assignOtpViaEmailMethod, ums.removeOtpViaEmailMethod, "otpviaemail"],
    ["oath", ums.assignOathMethod, ums.removeOathMethod, "oath"],
    ["SimAuth", ums.assignSimAuthMethod, ums.removeSimAuthMethod, "simauth"],
    ["MobileAuth", ums.assignMobileAuthMethod, ums.removeMobileAuthMethod, "mobile"],
  ] as const;

  it.each(pairs)(
    "assign and remove %s, seen in getAuthenticationScheme",
    async (_name, assign, remove, uri) => {
      const userId = await newUser(c, {
        PhoneNumber: `7900${String(n).padStart(7, "0")}`,
        Email: `s${n}@cp.ru`,
      });
      // The data each method needs (§5.3.15, 5.3.18, 5.3.21).
      await ums.setOathToken(c, {
        ...id(userId),
        body: { Serial: `T${n}`, FirstOtp: "123456", SecondOtp: null },
      });
      await ums.setSimAuth(c, {
        ...id(userId),
        body: { IccId: `8970101006${String(n).padStart(10, "0")}` },
      });
      await ums.setMobileAuth(c, {
        ...id(userId),
        body: { UserContactInfo: "79150000000", UserContactInfoType: "PhoneNumber" },
      });
      await ums.assignIdOnlyMethod(c, { ...id(userId), query: { level: 0 } });
      await assign(c, { ...id(userId), query: { level: 1 } });
      // Assigning a method again moves it: idonly goes from step 0 to step 1.
      expect(await schemeOf(userId)).toEqual(uri === "none" ? ["none@1"] : ["none@0", `${uri}@1`]);
      await remove(c, id(userId));
      expect(await schemeOf(userId)).toEqual(uri === "none" ? [] : ["none@0"]);
    },
  );

  it("the myDSS method makes the user confirm on the phone in the DSS emulator", async () => {
    const userId = await newUser();
    await ums.setMobileAuth(c, {
      ...id(userId),
      body: { UserContactInfo: "79150000000", UserContactInfoType: "PhoneNumber" },
    });
    await ums.assignMobileAuthMethod(c, { ...id(userId), query: { level: 1 } });
    expect(r.emulator.dss!.state.users.get(`contract-${n}`)?.confirmation).toBe("mydss");
    await ums.removeMobileAuthMethod(c, id(userId));
    expect(r.emulator.dss!.state.users.get(`contract-${n}`)?.confirmation).toBe("otp");
  });
});

describe("operation policy", () => {
  it("setOperationPolicy by names or codes; getOperationPolicy lists all eleven actions", async () => {
    const userId = await newUser();
    const none = (await ums.getOperationPolicy(c, id(userId))).data;
    expect(none.filter((p) => p.ConfirmationRequired)).toEqual([]);
    await ums.setOperationPolicy(c, { ...id(userId), body: ["SignDocument", 1024] });
    const { data } = await ums.getOperationPolicy(c, id(userId));
    expect(data).toHaveLength(11);
    expect(data.filter((p) => p.ConfirmationRequired).map((p) => p.Action)).toEqual([2, 1024]);
  });
});

describe("searches", () => {
  it("searchUsers: the example's filter, Login Equal, finds one of all", async () => {
    await ums.createUser(c, { body: { Login: "AnotherTestUser" } });
    const { data } = await ums.searchUsers(c, {
      body: {
        StartPosition: 0,
        EndPosition: 1,
        Filters: [{ Column: 0, Operation: 0, Value: "AnotherTestUser" }],
      },
    });
    expect(data.UserInfos.map((u) => u.Login)).toEqual(["AnotherTestUser"]);
    expect(data.AffectedCount).toBe(1);
    expect(data.TotalCount).toBe(r.emulator.state.users.size);
  });

  it("searchAuthnTokens: the example's filter, Serial Like %001%, with §4.4.10's TokenType Equal HOTP", async () => {
    const { data } = await ums.searchAuthnTokens(c, {
      body: {
        StartPosition: 0,
        EndPosition: 9,
        Filters: [
          { Column: 1, Operation: 2, Value: "%001%" },
          { Column: "TokenType", Operation: "Equal", Value: "HOTP" },
        ],
      },
    });
    expect(data.TokenInfos.map((t) => [t.Serial, t.TokenType])).toEqual([["AA000001", "HOTP"]]);
    expect(data.TokenInfos[0]!.Parameters).toMatchObject({ Digits: "6", Crypto: "SHA1" });
    expect(data.TotalCount).toBe(r.emulator.state.tokens.size);
  });
});

describe("coverage", () => {
  it("every one of the 49 operations went to the emulator over HTTP", () => {
    expect([...called].sort()).toEqual(operationList.map((op) => op.operationId).sort());
    expect(called.size).toBe(49);
  });

  it("errors are ApiErrors with the §5.6.5 body", async () => {
    const e = await ums
      .getUserById(c, id("00000000-0000-4000-8000-000000000000"))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).body).toEqual({
      Message: 'No user has the id "00000000-0000-4000-8000-000000000000".',
      ExceptionType: "UserNotFound",
    });
  });
});

describe("accounts taken over from the DSS emulator", () => {
  it("keep their logins whatever their form, and are found like any user", async () => {
    const other = await startUms({
      dss: {
        keyAlgorithm: "ECDSA",
        users: [
          { login: "john smith", password: "pw" },
          { login: "operator", password: "operator", role: "operator" },
        ],
      },
    });
    try {
      const found = await ums.getUserByIdentifier(other.ums, {
        query: { type: "Login", value: "john smith" },
      });
      expect(found.data).toMatchObject({ Login: "john smith", Group: "Default" });
      const scheme = await ums.getAuthenticationScheme(other.ums, {
        path: { id: found.data.UserId },
      });
      expect(scheme.data.map((s) => s.MethodUri.split("/").pop())).toEqual(["password"]);
    } finally {
      await other.close();
    }
  });
});
