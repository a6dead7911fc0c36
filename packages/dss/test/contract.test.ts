import { bearerAuth, type CallInput, createClient, sampleFromSchema } from "@trustspec/runtime";
import { listen } from "@trustspec/runtime/server";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
type OperationFn = (
  c: ReturnType<typeof createClient>,
  input: CallInput,
) => Promise<{ status: number; data: unknown }>;

function inputFor(op: (typeof operationList)[number], seed: number): CallInput {
  const input: CallInput = {};
  for (const p of op.params) {
    if (!p.required || !p.schema) continue;
    const where = p.in === "path" ? "path" : p.in === "query" ? "query" : "headers";
    let value = sampleFromSchema(schemas, p.schema, seed);
    if (p.in === "path" && typeof value === "string")
      value = encodeURIComponent(value).slice(0, 20) || "x";
    input[where] = { ...input[where], [p.name]: value };
  }
  if (op.requestBody?.schema) input.body = sampleFromSchema(schemas, op.requestBody.schema, seed);
  return input;
}

const MOCK_URL = "http://dss.test/SignServer/rest/api";
const mock = setupServer(...createDssSignMockHandlers({ baseUrl: MOCK_URL, seed: 5 }));
let stub: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  // The stub's real HTTP traffic on 127.0.0.1 passes; anything else unmocked is an error.
  mock.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== "127.0.0.1") print.error();
    },
  });
  stub = await listen(
    createDssSignRouter(defaultDssSignHandlers(9), {
      formatError: formatDssSignError,
      responseValidation: "strict",
    }),
  );
});
afterAll(async () => {
  mock.close();
  await stub.close();
});

describe.each([
  ["MSW mocks", () => MOCK_URL],
  ["server stub over HTTP", () => stub.url],
])("every Signature Service operation against the %s", (_name, baseUrl) => {
  it.each(operationList.map((op, i) => [op.operationId, op, i] as const))(
    "%s",
    async (operationId, op, i) => {
      const c = createClient(schemas, {
        baseUrl: baseUrl(),
        auth: bearerAuth("test-token"),
        validation: "strict",
        retry: false,
      });
      const fn = (client as unknown as Record<string, OperationFn>)[operationId];
      expect(typeof fn).toBe("function");
      const result = await fn!(c, inputFor(op, i + 1));
      expect(op.success).toContain(result.status);
    },
  );
});

describe("bad input gets the documented error shape", () => {
  it("a non-integer certificate id answers 400 with {Message}", async () => {
    const res = await fetch(`${stub.url}/certificates/abc`, {
      headers: { authorization: "Bearer t" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["Message"]);
    expect(body.Message).toMatch(/key/);
  });
});
