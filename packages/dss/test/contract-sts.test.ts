import { bearerAuth, type CallInput, createClient, sampleFromSchema } from "@trustspec/runtime";
import { listen } from "@trustspec/runtime/server";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as client from "../src/generated/sts/client.gen.js";
import { createDssStsMockHandlers, defaultDssStsHandlers } from "../src/generated/sts/msw.gen.js";
import { operationList } from "../src/generated/sts/operations.gen.js";
import { schemas } from "../src/generated/sts/schemas.gen.js";
import { createDssStsRouter, formatDssStsError } from "../src/generated/sts/server.gen.js";

/**
 * The identity centre's token and confirmation operations through their generated client
 * functions, against the generated MSW mocks and the generated server stub over HTTP. The two
 * authorize operations answer with a 302 redirect: a browser opens them, and the client only
 * builds their URL (`authorizeUrl`, tested in authorize-url.test.ts); they are left out here, by
 * name.
 */
type OperationFn = (
  c: ReturnType<typeof createClient>,
  input: CallInput,
) => Promise<{ status: number; data: unknown }>;
const NOT_CALLABLE = new Set(["authorize", "authorizeWithCertificate"]);
const callable = operationList.filter((op) => !NOT_CALLABLE.has(op.operationId));

function inputFor(op: (typeof operationList)[number], seed: number): CallInput {
  const input: CallInput = {};
  for (const p of op.params) {
    if (!p.required || !p.schema) continue;
    const where = p.in === "path" ? "path" : p.in === "query" ? "query" : "headers";
    input[where] = { ...input[where], [p.name]: sampleFromSchema(schemas, p.schema, seed) };
  }
  if (op.requestBody?.schema) input.body = sampleFromSchema(schemas, op.requestBody.schema, seed);
  return input;
}

const MOCK_URL = "http://sts.test/STS";
const mock = setupServer(...createDssStsMockHandlers({ baseUrl: MOCK_URL, seed: 3 }));
let stub: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  mock.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== "127.0.0.1") print.error();
    },
  });
  stub = await listen(
    createDssStsRouter(defaultDssStsHandlers(4), {
      formatError: formatDssStsError,
      responseValidation: "strict",
    }),
  );
});
afterAll(async () => {
  mock.close();
  await stub.close();
});

describe("the operations left out are exactly the redirecting ones", () => {
  it("names two operations that answer 302", () => {
    const redirecting = operationList
      .filter((op) => "302" in op.responses)
      .map((op) => op.operationId);
    expect(redirecting.sort()).toEqual([...NOT_CALLABLE].sort());
    expect(callable.map((op) => op.operationId).sort()).toEqual(["confirm", "token"]);
  });
});

describe.each([
  ["MSW mocks", () => MOCK_URL],
  ["server stub over HTTP", () => stub.url],
])("identity-centre operations against the %s", (_name, baseUrl) => {
  it.each(callable.map((op, i) => [op.operationId, op, i] as const))(
    "%s",
    async (operationId, op, i) => {
      const c = createClient(schemas, {
        baseUrl: baseUrl(),
        auth: bearerAuth("t"),
        validation: "strict",
        retry: false,
      });
      const fn = (client as unknown as Record<string, OperationFn>)[operationId];
      const result = await fn!(c, inputFor(op, i + 1));
      expect(op.success).toContain(result.status);
    },
  );

  it("token requests travel form-encoded and a wrong grant_type is refused with 400", async () => {
    const res = await fetch(`${baseUrl()}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=magic&client_id=x",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(typeof body.error_description).toBe("string");
  });
});
