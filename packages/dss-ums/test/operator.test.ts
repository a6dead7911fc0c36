import {
  createDssStsClient,
  createRequest,
  listCertificates,
  requestPasswordToken,
} from "@trustspec/dss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ums from "../src/generated/ums/client.gen.js";
import {
  createDssOperator,
  type DssOperator,
  OperatorScenarioError,
  umsErrorOf,
  userQuery,
} from "../src/index.js";
import { type Running, startUms } from "./emulator-support.js";

/**
 * The operator scenarios of chapter 8 through the hand-written helpers, against the UMS emulator
 * beside the DSS emulator over HTTP: the operator's token comes from the identity centre (password
 * grant of @trustspec/dss), the Signature Service part of removing a user goes with a token the
 * operator gets for the user by token exchange.
 */
let r: Running;
let operator: DssOperator;
const sts = () => createDssStsClient({ baseUrl: `${r.url}/STS` });
const signIn = (username: string, password: string) =>
  requestPasswordToken(sts(), { client: { clientId: "dss.sample" }, username, password });
const schemeOf = async (id: string) =>
  (await ums.getAuthenticationScheme(operator.ums, { path: { id } })).data.map(
    (s) => `${s.MethodUri.split("/").pop()}@${s.Level}`,
  );
const confirmed = async (id: string) =>
  (await ums.getOperationPolicy(operator.ums, { path: { id } })).data
    .filter((p) => p.ConfirmationRequired)
    .map((p) => p.Action);

beforeAll(async () => {
  r = await startUms();
  operator = createDssOperator({
    baseUrl: r.url,
    client: { clientId: "dss.sample" },
    operator: { username: "operator", password: "operator" },
    clientOptions: { retry: false },
  });
});
afterAll(() => r.close());

describe("registering a user (§8.1.2.1)", () => {
  it("creates the account, resets the password, assigns the scheme: the user signs in with it", async () => {
    const made = await operator.registerUser({ identifiers: { Login: "my-dss-test-1488312836" } });
    expect(made.password).toMatch(/^.{8}$/);
    expect(await schemeOf(made.userId)).toEqual(["password@1"]);
    await expect(signIn("my-dss-test-1488312836", made.password!)).resolves.toMatchObject({
      access_token: expect.any(String),
    });
  });

  it("with a phone number, one-time passwords by SMS on step 2 and a confirmation policy", async () => {
    const made = await operator.registerUser({
      identifiers: { Login: "sms-user" },
      phoneNumber: "+79150000000",
      scheme: [
        { method: "password", level: 1 },
        { method: "otpviasms", level: 2 },
      ],
      confirm: ["SignDocument", "CreateRequest"],
      group: "NewGroup",
    });
    expect(await schemeOf(made.userId)).toEqual(["password@1", "otpviasms@2"]);
    expect(await confirmed(made.userId)).toEqual([2, 16]);
    expect((await operator.findUser("sms-user"))?.Group).toBe("NewGroup");
  });

  it("a step that fails deletes the half-made account and names the step", async () => {
    const failure = await operator
      .registerUser({
        identifiers: { Login: "half-made" },
        scheme: [{ method: "otpviasms", level: 2 }],
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OperatorScenarioError);
    const e = failure as OperatorScenarioError;
    expect(e.step).toBe("assign otpviasms on step 2");
    expect(umsErrorOf(e.cause)).toMatchObject({
      status: 400,
      exceptionType: "AuthenticationDataMissing",
    });
    expect(e.message).not.toMatch(/password/i);
    expect(await operator.findUser("half-made")).toBeUndefined();
  });

  it("a duplicate login is refused with the service's error, and no account is left", async () => {
    const failure = (await operator
      .registerUser({ identifiers: { Login: "SMS-USER" } })
      .catch((e: unknown) => e)) as OperatorScenarioError;
    expect(failure.step).toBe("createUser");
    expect(umsErrorOf(failure.cause)?.exceptionType).toBe("DuplicateIdentifier");
  });
});

describe("enrolling a SIM card (§8.2.2.1-8.2.2.2) and myDSS (§8.3.2.1)", () => {
  it("registers by MSISDN, assigns the card, identification then SIM card, SignDocument confirmed, activates", async () => {
    const made = await operator.registerUser({
      identifiers: { PhoneNumber: "79998887766" },
      scheme: [],
    });
    expect(made.password).toBeUndefined();
    const sim = await operator.enrolSimCard(made.userId, {
      iccId: "89701010061787918181",
      activate: true,
    });
    expect(sim.activationCode).toMatch(/^\d{8}$/);
    expect(sim.activationId).toMatch(/^\d+$/);
    expect(await schemeOf(made.userId)).toEqual(["none@0", "simauth@1"]);
    expect(await confirmed(made.userId)).toEqual([2]);
    expect((await operator.findUser({ type: "PhoneNumber", value: "+79998887766" }))?.Login).toBe(
      "79998887766",
    );
  });

  it("enrols in myDSS: the QR code, identification then myDSS, and the DSS user confirms on the phone", async () => {
    const made = await operator.registerUser({ identifiers: { Login: "mydss-user" }, scheme: [] });
    const key = await operator.enrolMyDss(made.userId, {
      contact: "79150000000",
      xmlKeyPin: "123456",
    });
    expect(key.QrCode).toMatch(/^R0lGOD/);
    expect(key.XmlKeyInfo).toContain("<keyData");
    expect(await schemeOf(made.userId)).toEqual(["none@0", "mobile@1"]);
    expect(r.emulator.dss!.state.users.get("mydss-user")?.confirmation).toBe("mydss");
  });
});

describe("finding and removing users (§8.2.2.5-8.2.2.7)", () => {
  it("finds a user by login, undefined when nobody has it, and by a filter", async () => {
    await operator.registerUser({ identifiers: { Login: "findable" } });
    expect((await operator.findUser("FINDABLE"))?.Login).toBe("findable");
    expect(await operator.findUser("nobody")).toBeUndefined();
    const found: string[] = [];
    for await (const u of operator.searchUsers(userQuery().where("Login").startsWith("find")))
      found.push(u.Login);
    expect(found).toEqual(["findable"]);
  });

  it("removes the user's requests and certificates on the Signature Service, then the account", async () => {
    const made = await operator.registerUser({ identifiers: { Login: "leaving" } });
    // The user's certificate (CA 1 issues at once) and a pending request (CA 2 waits).
    const asUser = operator.signServerFor("leaving");
    await createRequest(asUser, {
      body: { AuthorityId: 1, DistinguishedName: { "2.5.4.3": "leaving" } },
    });
    await createRequest(asUser, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "leaving" } },
    });
    expect((await listCertificates(asUser)).data).toHaveLength(1);
    const dss = r.emulator.dss!.state;
    expect([...dss.requests.values()].filter((q) => q.owner === "leaving")).toHaveLength(2);

    const removed = await operator.removeUser({ userId: made.userId });
    expect(removed).toEqual({
      userId: made.userId,
      login: "leaving",
      requests: 2,
      certificates: 1,
    });
    expect(dss.certificatesOf("leaving")).toEqual([]);
    expect([...dss.requests.values()].filter((q) => q.owner === "leaving")).toEqual([]);
    expect(await operator.findUser("leaving")).toBeUndefined();
    await expect(signIn("leaving", made.password!)).rejects.toMatchObject({
      error: "invalid_grant",
    });
  });

  it("removes by login as well; an unknown login is an OperatorScenarioError", async () => {
    await operator.registerUser({ identifiers: { Login: "by-login" } });
    expect((await operator.removeUser({ login: "by-login" })).certificates).toBe(0);
    const e = (await operator
      .removeUser({ login: "by-login" })
      .catch((x: unknown) => x)) as OperatorScenarioError;
    expect(e).toBeInstanceOf(OperatorScenarioError);
    expect(e.step).toBe("find the user");
  });
});
