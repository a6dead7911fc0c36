import {
  bearerAuth,
  type CallInput,
  createClient,
  type OperationDescriptor,
  type SchemaBundle,
  sampleFromSchema,
} from "@trustspec/runtime";
import { listen, type Router } from "@trustspec/runtime/server";
import type { HttpHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect } from "vitest";

/**
 * For contract tests: input made from the contract, the two targets every operation is
 * called against (the generated MSW mocks, and the generated server stub over HTTP on 127.0.0.1),
 * and one call through a generated client function with strict checks both ways.
 */
/** A generated client function, seen from outside. */
export type ClientFunction = (
  c: ReturnType<typeof createClient>,
  input: CallInput,
  options?: unknown,
) => Promise<{ status: number; data: unknown }>;

/** A client for `baseUrl` that checks requests and answers strictly and never retries. */
export function strictClient(
  schemas: SchemaBundle,
  baseUrl: string,
  extra: Omit<Parameters<typeof createClient>[1], "baseUrl"> = {},
): ReturnType<typeof createClient> {
  return createClient(schemas, { baseUrl, validation: "strict", retry: false, ...extra });
}

/** Required parameters and the body of an operation, sampled from its schemas. */
export function inputFor(schemas: SchemaBundle, op: OperationDescriptor, seed: number): CallInput {
  const input: CallInput = {};
  for (const p of op.params) {
    if (!p.required || !p.schema) continue;
    const where = p.in === "path" ? "path" : p.in === "query" ? "query" : "headers";
    let value = sampleFromSchema(schemas, p.schema, seed);
    // A sampled path value that would need escaping is cut to a short safe one; others stay.
    if (p.in === "path" && typeof value === "string" && encodeURIComponent(value) !== value)
      value = encodeURIComponent(value).slice(0, 20) || "x";
    input[where] = { ...input[where], [p.name]: value };
  }
  if (op.requestBody?.schema) input.body = sampleFromSchema(schemas, op.requestBody.schema, seed);
  return input;
}

/**
 * Starts the mocks at `mockUrl` and the router on 127.0.0.1 for the test file; returns the two
 * targets as `[name, baseUrl]` pairs for `describe.each`.
 */
export function contractTargets(
  mockUrl: string,
  handlers: HttpHandler[],
  router: Router,
): [string, () => string][] {
  const mock = setupServer(...handlers);
  let stub: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    // The stub's real HTTP traffic on 127.0.0.1 passes; anything else unmocked is an error.
    mock.listen({
      onUnhandledRequest: (request, print) => {
        if (new URL(request.url).hostname !== "127.0.0.1") print.error();
      },
    });
    stub = await listen(router);
  });
  afterAll(async () => {
    mock.close();
    await stub.close();
  });
  return [
    ["MSW mocks", () => mockUrl],
    ["server stub over HTTP", () => stub.url],
  ];
}

/** Calls `op` through its generated client function and expects one of its success statuses. */
export async function expectSuccess(
  clientModule: object,
  schemas: SchemaBundle,
  baseUrl: string,
  op: OperationDescriptor,
  seed: number,
): Promise<void> {
  const c = strictClient(schemas, baseUrl, { auth: bearerAuth("test-token") });
  const fn = (clientModule as Record<string, ClientFunction>)[op.operationId];
  expect(typeof fn).toBe("function");
  const result = await fn!(c, inputFor(schemas, op, seed));
  expect(op.success).toContain(result.status);
}
