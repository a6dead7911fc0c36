import { contractTargets, expectSuccess } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import * as client from "../src/generated/signserver/client.gen.js";
import { operationList } from "../src/generated/signserver/operations.gen.js";
import { schemas } from "../src/generated/signserver/schemas.gen.js";
import { createDssSignRouter, formatDssSignError } from "../src/generated/signserver/server.gen.js";
import { createDssSignMockHandlers, defaultDssSignHandlers } from "../src/mocks.js";

/**
 * Every operation of the Signature Service spec, called through its generated client function
 * with input made from the contract, against the generated MSW mocks and against the generated
 * server stub over HTTP on 127.0.0.1. Requests and answers are checked strictly both ways.
 */
const MOCK_URL = "http://dss.test/SignServer/rest/api";
const targets = contractTargets(
  MOCK_URL,
  createDssSignMockHandlers({ baseUrl: MOCK_URL, seed: 5 }),
  createDssSignRouter(defaultDssSignHandlers(9), {
    formatError: formatDssSignError,
    responseValidation: "strict",
  }),
);
const stubUrl = targets[1]![1];

describe.each(targets)("every Signature Service operation against the %s", (_name, baseUrl) => {
  it.each(operationList.map((op, i) => [op.operationId, op, i] as const))("%s", (_id, op, i) =>
    expectSuccess(client, schemas, baseUrl(), op, i + 1),
  );
});

describe("bad input gets the documented error shape", () => {
  it("a non-integer certificate id answers 400 with {Message}", async () => {
    const res = await fetch(`${stubUrl()}/certificates/abc`, {
      headers: { authorization: "Bearer t" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["Message"]);
    expect(body.Message).toMatch(/key/);
  });
});
