import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ums from "../src/generated/ums/client.gen.js";
import { RawText, type Running, raw, startUms } from "./emulator-support.js";

/**
 * Bad input against the emulator over HTTP: every refusal is the documented error (a 400-500
 * status with a JSON body whose Message says what is wrong, guide, §5.6.5), never a 500, and the
 * ExceptionType names the cause. Raw requests, so that input the client would refuse still
 * reaches the server.
 */
let r: Running;
let loginOnly: Running;

beforeAll(async () => {
  r = await startUms({ operatorGroups: { operator: ["Default"] } });
  loginOnly = await startUms({ standalone: true, identifierTypes: ["Login"] });
});
afterAll(async () => {
  await r.close();
  await loginOnly.close();
});

/** Expects the service's error shape with this status and cause. */
function refused(
  a: { status: number; json: Record<string, unknown> },
  status: number,
  exceptionType?: string | RegExp,
): void {
  expect(a.status).toBe(status);
  expect(typeof a.json.Message).toBe("string");
  expect((a.json.Message as string).length).toBeGreaterThan(0);
  if (exceptionType instanceof RegExp) expect(a.json.ExceptionType).toMatch(exceptionType);
  else if (exceptionType) expect(a.json.ExceptionType).toBe(exceptionType);
}

let n = 0;
async function user(
  target: Running = r,
  identifiers: Record<string, string> = {},
): Promise<string> {
  n++;
  const a = await raw(target, "POST", "/user", { Login: `bad-${n}`, ...identifiers });
  expect(a.status).toBe(200);
  return JSON.parse(a.text) as string;
}

describe("identifiers", () => {
  it("a duplicate login is refused, whatever its letter case", async () => {
    await user(r);
    refused(await raw(r, "POST", "/user", { Login: `bad-${n}` }), 400, "DuplicateIdentifier");
    refused(await raw(r, "POST", "/user", { Login: `BAD-${n}` }), 400, "DuplicateIdentifier");
    refused(
      await raw(r, "POST", "/user/Default", { Login: `Bad-${n}` }),
      400,
      "DuplicateIdentifier",
    );
  });

  it("a duplicate phone number (compared by its digits) or e-mail is refused", async () => {
    await user(r, { PhoneNumber: "+79150510528", Email: "dup@cp.ru" });
    refused(
      await raw(r, "POST", "/user", { Login: "other-1", PhoneNumber: "79150510528" }),
      400,
      "DuplicateIdentifier",
    );
    const other = await user(r);
    refused(await raw(r, "POST", `/user/${other}/email`, "DUP@cp.ru"), 400, "DuplicateIdentifier");
    refused(
      await raw(r, "POST", `/user/${other}/phonenumber`, "+7 915 051 05 28"),
      400,
      "InvalidIdentifier",
    );
  });

  it("an identifier type that is not an IdentifierType name is refused, in the query and as a key", async () => {
    const a = await raw(r, "GET", "/user?type=Passport&value=1");
    refused(a, 400);
    expect(a.json.Message).toMatch(/type/);
    refused(await raw(r, "POST", "/user", { Passport: "4509 123456" }), 400);
    refused(await raw(r, "GET", "/user?value=x"), 400);
  });

  it("an identifier type users are not registered with here is refused", async () => {
    refused(
      await raw(loginOnly, "POST", "/user", { Email: "a@cp.ru" }),
      400,
      "IdentifierTypeNotAllowed",
    );
  });

  it("no identifiers, or values of the wrong form, are refused", async () => {
    refused(await raw(r, "POST", "/user", {}), 400, "IdentifierRequired");
    refused(await raw(r, "POST", "/user", { Login: "with space" }), 400, "InvalidIdentifier");
    refused(await raw(r, "POST", "/user", { PhoneNumber: "call me" }), 400, "InvalidIdentifier");
    refused(await raw(r, "POST", "/user", { Email: "no-at-sign" }), 400, "InvalidIdentifier");
    refused(await raw(r, "POST", "/user", { Login: 42 }), 400);
  });

  it("looking up an identifier nobody has answers 404 (guide, lines 14821-14827)", async () => {
    refused(await raw(r, "GET", "/user/?type=login&value=nobody-has-this"), 404, "UserNotFound");
  });
});

describe("unknown users", () => {
  const unknown = "9cf94797-1d02-4076-94fe-284a64e83582";
  it.each([
    ["GET", ""],
    ["GET", "/login"],
    ["POST", "/phonenumber", "+79150000000"],
    ["GET", "/authmethod"],
    ["POST", "/authmethod/password?level=1"],
    ["POST", "/operationpolicy", ["SignDocument"]],
    ["POST", "/lockout?lock=true"],
    ["POST", "/password"],
    ["GET", "/group"],
    ["POST", "/simauth/message/activate"],
  ] as [string, string, unknown?][])(
    "%s /user/{unknown}%s answers 404",
    async (method, path, body) => {
      refused(await raw(r, method, `/user/${unknown}${path}`, body), 404, "UserNotFound");
    },
  );

  it("deleting an unknown user is no error (guide, line 13231)", async () => {
    expect((await raw(r, "DELETE", `/user/${unknown}`)).status).toBe(200);
  });
});

describe("searches", () => {
  const search = (filters: unknown[], start = 0, end = 10) =>
    raw(r, "POST", "/users", { StartPosition: start, EndPosition: end, Filters: filters });

  it("a filter on a column ColumnTypeEnum does not have is refused, by code or by name", async () => {
    const a = await search([{ Column: 9, Operation: 0, Value: "x" }]);
    refused(a, 400);
    expect(a.json.Message).toMatch(/Column/);
    refused(await search([{ Column: "PhoneNumberComfirmed", Operation: 0, Value: false }]), 400);
    refused(
      await raw(r, "POST", "/authntokens", {
        StartPosition: 0,
        EndPosition: 1,
        Filters: [{ Column: 7, Operation: 0, Value: 1 }],
      }),
      400,
    );
  });

  it("an unknown operation, or one the column cannot take, is refused", async () => {
    refused(await search([{ Column: 0, Operation: 5, Value: "x" }]), 400);
    refused(
      await search([{ Column: "CreateDate", Operation: "Like", Value: "2016%" }]),
      400,
      "InvalidFilter",
    );
    refused(
      await search([{ Column: "CreateDate", Operation: "Greater", Value: "yesterday" }]),
      400,
      "InvalidFilter",
    );
    refused(
      await search([{ Column: "Login", Operation: "Equal", Value: 12 }]),
      400,
      "InvalidFilter",
    );
    refused(
      await search([{ Column: "Login", Operation: "Like", Value: null }]),
      400,
      "InvalidFilter",
    );
    refused(
      await search([{ Column: "GroupId", Operation: "Equal", Value: true }]),
      400,
      "InvalidFilter",
    );
  });

  it("positions that make no range are refused", async () => {
    refused(await search([], 10, 5), 400, "InvalidRange");
    refused(await search([], -1, 5), 400, "InvalidRange");
    refused(await raw(r, "POST", "/users", { StartPosition: 0 }), 400);
    refused(await raw(r, "POST", "/users", { StartPosition: "0", EndPosition: 1 }), 400);
  });

  it("the client refuses a filter on an unknown column before sending it", async () => {
    await expect(
      ums.searchUsers(r.ums, {
        body: {
          StartPosition: 0,
          EndPosition: 1,
          Filters: [{ Column: 9 as never, Operation: 0, Value: "x" }],
        },
      }),
    ).rejects.toMatchObject({ name: "ValidationError", direction: "request" });
  });
});

describe("authentication data and scheme", () => {
  it("a method without its data is refused; data in use by a method cannot go", async () => {
    const id = await user(loginOnly);
    refused(
      await raw(loginOnly, "POST", `/user/${id}/authmethod/otpviasms?level=1`),
      400,
      "AuthenticationDataMissing",
    );
    refused(
      await raw(loginOnly, "POST", `/user/${id}/authmethod/SimAuth?level=1`),
      400,
      "AuthenticationDataMissing",
    );
    expect((await raw(loginOnly, "POST", `/user/${id}/phonenumber`, "79150000000")).status).toBe(
      200,
    );
    expect((await raw(loginOnly, "POST", `/user/${id}/authmethod/otpviasms?level=1`)).status).toBe(
      200,
    );
    refused(
      await raw(loginOnly, "DELETE", `/user/${id}/phonenumber`),
      400,
      "AuthenticationDataInUse",
    );
  });

  it("the phone number and e-mail cannot go while users are registered by them (guide, §5.3.10, 5.3.13)", async () => {
    const id = await user(r, { PhoneNumber: "79151112233", Email: "keep@cp.ru" });
    refused(await raw(r, "DELETE", `/user/${id}/phonenumber`), 400, "IdentifierInUse");
    refused(await raw(r, "DELETE", `/user/${id}/email`), 400, "IdentifierInUse");
  });

  it("a step outside 0-9, or not a number, is refused", async () => {
    const id = await user();
    refused(await raw(r, "POST", `/user/${id}/authmethod/password?level=-1`), 400, "InvalidLevel");
    refused(await raw(r, "POST", `/user/${id}/authmethod/password?level=10`), 400, "InvalidLevel");
    refused(await raw(r, "POST", `/user/${id}/authmethod/password?level=first`), 400);
    refused(await raw(r, "POST", `/user/${id}/authmethod/password`), 400);
  });

  it("OATH: HOTP needs two different passwords; passwords are digits; a token has one holder", async () => {
    const id = await user();
    const other = await user();
    const oath = (who: string, body: unknown) => raw(r, "POST", `/user/${who}/oath`, body);
    expect((await oath(id, { Serial: "H1", FirstOtp: "111111", SecondOtp: "222222" })).status).toBe(
      200,
    );
    refused(
      await oath(other, { Serial: "H1", FirstOtp: "111111", SecondOtp: "222222" }),
      400,
      "TokenAssigned",
    );
    refused(
      await oath(other, { Serial: "H1", FirstOtp: "111111", SecondOtp: null }),
      400,
      "InvalidOtp",
    );
    refused(
      await oath(other, { Serial: "H2", FirstOtp: "one", SecondOtp: "222222" }),
      400,
      "InvalidOtp",
    );
    refused(await oath(other, { Serial: "H3", FirstOtp: "111111" }), 400);
  });

  it("SIM cards: ICCID digits, a known profile, one holder", async () => {
    const id = await user();
    const other = await user();
    const sim = (who: string, body: unknown) => raw(r, "POST", `/user/${who}/simauth`, body);
    refused(await sim(id, { IccId: "8970-1010" }), 400, "InvalidIccId");
    refused(
      await sim(id, {
        IccId: "89701010061787918181",
        ProfileId: "00000000-0000-0000-0000-000000000000",
      }),
      400,
      "CryptoProviderNotFound",
    );
    expect((await sim(id, { IccId: "89701010061787918181" })).status).toBe(200);
    refused(await sim(other, { IccId: "89701010061787918181" }), 400, "TokenAssigned");
    refused(
      await raw(r, "POST", `/user/${other}/simauth/message/activate`),
      400,
      "AuthenticationDataMissing",
    );
  });

  it("myDSS: a short PIN is refused without showing it; one key per user; renewing needs a key", async () => {
    const id = await user();
    const body = (extra: object) => ({
      UserContactInfo: "79150000000",
      UserContactInfoType: "PhoneNumber",
      ...extra,
    });
    const short = await raw(
      r,
      "POST",
      `/user/${id}/mobileauth`,
      body({ NeedXmlKeyInfo: true, KeyInfoPinCode: "9k3" }),
    );
    refused(short, 400, "PinTooShort");
    expect(short.text).not.toContain("9k3");
    refused(
      await raw(r, "PATCH", `/user/${id}/mobileauth`, body({})),
      400,
      "AuthenticationDataMissing",
    );
    refused(
      await raw(r, "POST", `/user/${id}/mobileauth`, body({ UserContactInfoType: "Fax" })),
      400,
    );
    refused(
      await raw(r, "POST", `/user/${id}/mobileauth`, body({ UserContactInfo: "nobody" })),
      400,
      "InvalidIdentifier",
    );
    expect((await raw(r, "POST", `/user/${id}/mobileauth`, body({}))).status).toBe(200);
    refused(
      await raw(r, "POST", `/user/${id}/mobileauth`, body({})),
      400,
      "AuthenticationDataExists",
    );
  });
});

describe("groups, subject name, policy", () => {
  it("an unknown group is refused; so is a group the operator is not in (guide, lines 9294-9296)", async () => {
    const id = await user();
    refused(await raw(r, "POST", `/user/${id}/group`, "Nope"), 400, "GroupNotFound");
    refused(await raw(r, "POST", `/user/${id}/group`, "NewGroup"), 403, "GroupNotAllowed");
    refused(
      await raw(r, "POST", "/user/NewGroup", { Login: "x-new-group" }),
      403,
      "GroupNotAllowed",
    );
    refused(await raw(r, "POST", "/user/Nope", { Login: "x-nope" }), 400, "GroupNotFound");
  });

  it("name components: known ids, lengths within the policy's, CN present", async () => {
    const id = await user();
    const dn = (body: unknown) => raw(r, "POST", `/user/${id}/dn`, body);
    refused(await dn({ "99": "x", "11": "CN" }), 400, "InvalidDistinguishedName");
    refused(await dn({ "10": "SampleOU" }), 400, "InvalidDistinguishedName");
    refused(await dn({ "11": "CN", "6": "RUS" }), 400, "InvalidDistinguishedName");
    refused(await dn({ CN: "x" }), 400);
  });

  it("an action DSSActions does not have is refused", async () => {
    const id = await user();
    refused(await raw(r, "POST", `/user/${id}/operationpolicy`, ["SignEverything"]), 400);
    refused(await raw(r, "POST", `/user/${id}/operationpolicy`, [3]), 400);
  });
});

describe("transport", () => {
  it("no token or an unknown one answers 401 with WWW-Authenticate: Bearer", async () => {
    for (const headers of [{ authorization: "" }, { authorization: "Bearer not-a-token" }]) {
      const a = await fetch(`${r.url}/STS/ums/policy`, { headers });
      expect(a.status).toBe(401);
      expect(a.headers.get("www-authenticate")).toBe("Bearer");
      expect(await a.json()).toEqual({
        Message: "Authorization has been denied for this request.",
        ExceptionType: "Unauthorized",
      });
    }
  });

  it("a user's own token is not an operator's: 403", async () => {
    const token = await (
      await fetch(`${r.url}/STS/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=password&username=demo&password=demo&client_id=dss.sample",
      })
    ).json();
    const a = await fetch(`${r.url}/STS/ums/policy`, {
      headers: { authorization: `Bearer ${(token as { access_token: string }).access_token}` },
    });
    expect(a.status).toBe(403);
    expect(((await a.json()) as { ExceptionType: string }).ExceptionType).toBe("Forbidden");
  });

  it("broken JSON, a body too large, an unknown path, a wrong method: 400, 413, 404, 405", async () => {
    refused(await raw(r, "POST", "/user", new RawText('{"Login":')), 400);
    refused(await raw(r, "POST", "/user", { Login: "x".repeat(1024 * 1024 + 10) }), 413);
    refused(await raw(r, "GET", "/nothing/here"), 404);
    refused(await raw(r, "PUT", "/policy"), 405);
  });

  it("paths are matched without regard to case, as the guide's examples need (…/simauth, …/MobileAuth)", async () => {
    const id = await user(r, { PhoneNumber: "79152223344" });
    expect(
      (await raw(r, "POST", `/user/${id}/simauth`, { IccId: "89701010061787918100" })).status,
    ).toBe(200);
    expect((await raw(r, "POST", `/user/${id}/authmethod/simauth?level=1`)).status).toBe(200);
    expect((await raw(r, "DELETE", `/user/${id}/AUTHMETHOD/SimAuth`)).status).toBe(200);
    expect((await raw(r, "GET", `/user/${id}/authmethod`)).json).toEqual([]);
  });
});
