import { bearerAuth, sampleFromSchema } from "@trustspec/runtime";
import { contractTargets, expectSuccess } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import * as client from "../src/generated/ums/client.gen.js";
import { operationList } from "../src/generated/ums/operations.gen.js";
import { schemas } from "../src/generated/ums/schemas.gen.js";
import { createDssUmsRouter, formatDssUmsError } from "../src/generated/ums/server.gen.js";
import { createDssUmsMockHandlers, defaultDssUmsHandlers } from "../src/mocks.js";

/**
 * Every operation of the user management spec, called through its generated client function
 * with input made from the contract, against the generated MSW mocks and against the generated
 * server stub over HTTP on 127.0.0.1. Requests and answers are checked strictly both ways.
 */
const MOCK_URL = "http://dss.test/STS/ums";
const targets = contractTargets(
  MOCK_URL,
  createDssUmsMockHandlers({ baseUrl: MOCK_URL, seed: 5 }),
  createDssUmsRouter(defaultDssUmsHandlers(9), {
    formatError: formatDssUmsError,
    responseValidation: "strict",
  }),
);
const stubUrl = targets[1]![1];

describe("the spec has the 49 operations the guide documents", () => {
  it("45 of the User endpoint, policy, two searches and the SIM applet activation", () => {
    expect(operationList).toHaveLength(49);
    const user = operationList.filter((op) => op.path === "/user" || op.path.startsWith("/user/"));
    expect(user).toHaveLength(46);
    expect(
      operationList
        .filter((op) => !user.includes(op))
        .map((op) => `${op.method} ${op.path}`)
        .sort(),
    ).toEqual(["GET /policy", "POST /authntokens", "POST /users"]);
  });
});

describe.each(targets)("every user management operation against the %s", (_name, baseUrl) => {
  it.each(operationList.map((op, i) => [op.operationId, op, i] as const))("%s", (_id, op, i) =>
    expectSuccess(client, schemas, baseUrl(), op, i + 1),
  );
});

describe("bad input gets the documented error shape (§5.6.5) from the stub", () => {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${stubUrl()}${path}`, {
      ...init,
      headers: { authorization: "Bearer t", "content-type": "application/json", ...init.headers },
    });

  it("an identifier type that is not one of IdentifierType's names answers 400 with {Message}", async () => {
    const res = await call("/user?type=Passport&value=1");
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.Message).toMatch(/type/);
    expect(typeof body.ExceptionType).toBe("string");
  });

  it("the identifier type is read in any letter case, as chapter 8 writes it", async () => {
    const res = await call("/user/?type=login&value=my-dss-test-1489649228");
    expect(res.status).toBe(200);
  });

  it("identifiers keyed by something other than an IdentifierType name are refused", async () => {
    const res = await call("/user", { method: "POST", body: JSON.stringify({ Passport: "1" }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Message: string }).Message).toMatch(/property name/i);
  });

  it("a filter on a column ColumnTypeEnum does not have answers 400", async () => {
    const res = await call("/users", {
      method: "POST",
      body: JSON.stringify({
        StartPosition: 0,
        EndPosition: 10,
        Filters: [{ Column: 9, Operation: 0, Value: "x" }],
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Message: string }).Message).toMatch(/Column/);
  });

  it("the client refuses the same bad identifiers before sending them", async () => {
    const c = client.createDssUmsClient({ baseUrl: stubUrl(), auth: bearerAuth("t") });
    await expect(client.createUser(c, { body: { Passport: "1" } as never })).rejects.toMatchObject({
      name: "ValidationError",
      direction: "request",
    });
    const sample = sampleFromSchema(schemas, "UserIdentifiers", 1);
    expect(sample).toEqual({});
  });
});
