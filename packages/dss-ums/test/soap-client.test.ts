/**
 * The public SOAP client of `@trustspec/dss-ums/soap`: its addresses and settings, the typed
 * errors (the `DSSFault` detail as `DssSoapFaultError`, a refused answer as `WsSecurityError`,
 * input that breaks the contract as `ValidationError`), none quoting a secret, and what the
 * operator scenarios put on the wire where the service would accept either form (the TOTP rule).
 */
import { DssEmulator } from "@trustspec/dss/server";
import { listen } from "@trustspec/runtime/server";
import { SoapFault } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssUmsSoapServer, type DssUmsSoapHandlers, dssSoapFault } from "../src/server.js";
import {
  ConfigurationError,
  createUmsSoapClient,
  DssSoapFaultError,
  enrolOtpToken,
  getUserById,
  isDssSoapFaultError,
  registerUser,
  resetPassword,
  SoapFaultError,
  setUserOtpToken,
  UMS_SOAP_ENDPOINT_KINDS,
  umsSoapEndpoint,
  umsSoapEndpointKind,
  ValidationError,
  WsSecurityError,
} from "../src/soap.js";

describe("addresses and settings", () => {
  it("makes the endpoints' addresses under the application name", () => {
    expect(UMS_SOAP_ENDPOINT_KINDS).toEqual(["cert", "token"]);
    expect(umsSoapEndpoint("https://dss.example/")).toBe(
      "https://dss.example/STS/UserManagement.svc/cert",
    );
    expect(umsSoapEndpoint("https://dss.example/pfx", "token", "MySts")).toBe(
      "https://dss.example/pfx/MySts/UserManagement.svc/token",
    );
    expect(umsSoapEndpoint("https://dss.example/STS/UserManagement.svc", "token")).toBe(
      "https://dss.example/STS/UserManagement.svc/token",
    );
    expect(() => umsSoapEndpoint("https://h", "nosc" as never)).toThrow(RangeError);
    expect(() => umsSoapEndpoint("https://h", "cert", "a/b")).toThrow(RangeError);
    expect(umsSoapEndpointKind("https://h/STS/UserManagement.svc/token?x")).toBe("token");
    expect(umsSoapEndpointKind("https://h/STS/UserManagement.svc")).toBeUndefined();
  });

  it("takes the endpoint from the address or the options; cert by default", () => {
    expect(createUmsSoapClient({ baseUrl: "https://h" }).options.url).toBe(
      "https://h/STS/UserManagement.svc/cert",
    );
    const token = { tokenXml: "<a/>", proofKey: "AAAA", keyIdentifier: "_1" };
    const byOption = createUmsSoapClient({ baseUrl: "https://h", endpoint: "token", token });
    expect(byOption.options.url).toBe("https://h/STS/UserManagement.svc/token");
    expect(byOption.options.security).toBeDefined();
    const byUrl = createUmsSoapClient({ url: "https://h/STS/UserManagement.svc/token", token });
    expect(byUrl.options.security).toBeDefined();
    expect(createUmsSoapClient({ baseUrl: "https://h" }).options.security).toBeUndefined();
  });

  it("refuses settings that cannot work, naming the option", () => {
    const token = { tokenXml: "<a/>", proofKey: "AAAA" };
    const federation = {
      sts: "https://h/STS/Active.svc",
      credentials: { kind: "username" as const, username: "u", password: "secret-pw" },
    };
    const cases: [Parameters<typeof createUmsSoapClient>[0], string][] = [
      [{}, "url"],
      [{ baseUrl: "https://h", endpoint: "token" }, "token"],
      [{ baseUrl: "https://h", endpoint: "token", token, federation }, "federation"],
      [{ baseUrl: "https://h", token }, "token"],
      [{ baseUrl: "https://h", federation }, "federation"],
      [{ baseUrl: "https://h", certificate: { cert: "c", key: "k" }, fetch }, "certificate"],
    ];
    for (const [options, option] of cases) {
      const error = (() => {
        try {
          createUmsSoapClient(options);
        } catch (e) {
          return e;
        }
      })();
      expect(error, option).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).not.toContain("secret-pw");
      expect(JSON.stringify(error)).not.toContain("secret-pw");
    }
  });
});

describe("typed errors from a server stub over HTTP", () => {
  const seen: unknown[] = [];
  const handlers: Partial<DssUmsSoapHandlers> = {
    GetUserById: ({ message }) => {
      if (message.userId === "plain") throw new SoapFault("Server", "Something else failed.");
      throw dssSoapFault({ Code: "UserNotFound", Message: "Пользователь не найден" });
    },
    SetUserOtpToken: () => {
      throw dssSoapFault({ Code: "InvalidOtp", Message: "The one-time passwords do not match." });
    },
    ResetPassword: () => ({ ResetPasswordResult: "N3w-Pa55!" }),
    RegisterUser: ({ message }) => {
      seen.push(message);
      return { RegisterUserResult: "u1" };
    },
  };
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";
  beforeAll(async () => {
    server = await listen(createDssUmsSoapServer(handlers), { host: "127.0.0.1" });
    url = umsSoapEndpoint(server.url);
  });
  afterAll(() => server.close());

  it("a DSSFault detail rejects as DssSoapFaultError with its code and message, over HTTP 500", async () => {
    const client = createUmsSoapClient({ url });
    const error = await getUserById(client, { userId: "nobody" }).catch((e: unknown) => e);
    expect(isDssSoapFaultError(error)).toBe(true);
    expect(error).toBeInstanceOf(SoapFaultError);
    expect(error).toMatchObject({
      name: "DssSoapFaultError",
      status: 500,
      dssCode: "UserNotFound",
      dssMessage: "Пользователь не найден",
      operationId: "GetUserById",
    });
  });

  it("a fault without the detail stays a SoapFaultError", async () => {
    const error = await getUserById(createUmsSoapClient({ url }), { userId: "plain" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SoapFaultError);
    expect(error).not.toBeInstanceOf(DssSoapFaultError);
    expect(error).toMatchObject({ reason: "Something else failed." });
  });

  it("neither the fault nor the scenario's error quotes the one-time passwords sent", async () => {
    const client = createUmsSoapClient({ url });
    const fault = await setUserOtpToken(client, {
      userId: "u1",
      serial: "A1",
      firstOtp: "755224",
      secondOtp: "287082",
    }).catch((e: unknown) => e);
    expect(fault).toMatchObject({ dssCode: "InvalidOtp" });
    expect(`${(fault as Error).message} ${(fault as Error).stack}`).not.toMatch(/755224|287082/);
    const scenario = await enrolOtpToken(client, "u1", {
      serial: "A1",
      tokenType: "HOTP",
      firstOtp: "755224",
      secondOtp: "287082",
    }).catch((e: unknown) => e);
    expect(scenario).toMatchObject({ name: "OperatorScenarioError", step: "SetUserOtpToken" });
    expect((scenario as Error).message).not.toMatch(/755224|287082/);
  });

  it("input that breaks the contract is a ValidationError and is not sent", async () => {
    const client = createUmsSoapClient({ url });
    seen.length = 0;
    const error = await registerUser(client, {
      identifiers: { Mail: "x@cp.ru" } as never,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
    expect(await resetPassword(client, { userId: "u1" })).toEqual({
      ResetPasswordResult: "N3w-Pa55!",
    });
  });

  it("on /token an answer that is not protected with the proof key is a WsSecurityError", async () => {
    // A real answer of the stub, as a service without message security sends it.
    let plain = "";
    await resetPassword(
      createUmsSoapClient({
        url,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          plain = await res.text();
          return new Response(plain, { status: res.status, headers: res.headers });
        },
      }),
      { userId: "u1" },
    );
    expect(plain).toContain("N3w-Pa55!");
    const dss = await DssEmulator.create({ keyAlgorithm: "ECDSA" });
    try {
      const tokenUrl = umsSoapEndpoint(server.url, "token");
      const token = dss.issueSamlToken("operator", { audience: tokenUrl });
      const client = createUmsSoapClient({
        url: tokenUrl,
        token,
        fetch: async () =>
          new Response(plain, { status: 200, headers: { "content-type": "application/soap+xml" } }),
      });
      const error = await resetPassword(client, { userId: "u1" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WsSecurityError);
      expect(String((error as Error).message)).not.toContain(token.proofKey);
      expect(String((error as Error).message)).not.toContain("N3w-Pa55!");
    } finally {
      await dss.close();
    }
  });
});

describe("what the scenarios send (§4.1.8: the TOTP rule)", () => {
  const otp: unknown[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";
  beforeAll(async () => {
    server = await listen(
      createDssUmsSoapServer({
        SetUserOtpToken: ({ message }) => {
          otp.push(message);
          return {};
        },
        AssignAuthenticationMethod: () => ({}),
        GetUserOtpTokenInfo: () => ({ GetUserOtpTokenInfoResult: { Serial: "T1", Type: "TOTP" } }),
      }),
      { host: "127.0.0.1" },
    );
    url = umsSoapEndpoint(server.url);
  });
  afterAll(() => server.close());

  it("TOTP repeats the first password by default, sends nil with the REST rule; HOTP sends both", async () => {
    const client = createUmsSoapClient({ url });
    await enrolOtpToken(client, "u1", { serial: "T1", tokenType: "TOTP", firstOtp: "492039" });
    await enrolOtpToken(client, "u1", {
      serial: "T1",
      tokenType: "TOTP",
      firstOtp: "492039",
      totpSecondOtp: "nil",
    });
    await enrolOtpToken(client, "u1", {
      serial: "H1",
      tokenType: "HOTP",
      firstOtp: "755224",
      secondOtp: "287082",
    });
    expect(otp).toEqual([
      { userId: "u1", serial: "T1", firstOtp: "492039", secondOtp: "492039" },
      { userId: "u1", serial: "T1", firstOtp: "492039", secondOtp: null },
      { userId: "u1", serial: "H1", firstOtp: "755224", secondOtp: "287082" },
    ]);
  });
});
