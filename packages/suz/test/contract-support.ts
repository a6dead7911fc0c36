import {
  type CallInput,
  createClient,
  type OperationDescriptor,
  type SchemaBundle,
  sampleFromSchema,
} from "@trustspec/runtime";
import { listen, type Router } from "@trustspec/runtime/server";
import type { HttpHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll } from "vitest";

/**
 * Helpers of the СУЗ contract tests: the two places every operation is called (the generated MSW
 * handlers, and the generated router serving HTTP on 127.0.0.1), and input made from the contract.
 */

/** A generated client function, seen from outside. */
export type ClientFunction = (
  c: ReturnType<typeof createClient>,
  input: CallInput,
  options?: unknown,
) => Promise<{ status: number; data: unknown }>;

/** Input for `op`: each required parameter and the body, made from their schemas with `seed`. */
export function sampleInput(
  schemas: SchemaBundle,
  op: OperationDescriptor,
  seed: number,
): CallInput {
  const input: CallInput = {};
  for (const param of op.params) {
    if (!param.required || !param.schema) continue;
    const group = param.in === "header" ? "headers" : param.in;
    input[group] = { ...input[group], [param.name]: sampleFromSchema(schemas, param.schema, seed) };
  }
  if (op.requestBody?.schema) input.body = sampleFromSchema(schemas, op.requestBody.schema, seed);
  return input;
}

/**
 * Serves `handlers` through MSW at `mockUrl` and `router` on 127.0.0.1 while the calling test file
 * runs. Returns `[label, baseUrl]` pairs for `describe.each`; the stub's URL is known only once the
 * file's `beforeAll` has run, hence the functions.
 */
export function bothTargets(
  mockUrl: string,
  handlers: HttpHandler[],
  router: Router,
): [string, () => string][] {
  const msw = setupServer(...handlers);
  let stub: Awaited<ReturnType<typeof listen>> | undefined;
  beforeAll(async () => {
    // Real traffic to the stub on 127.0.0.1 goes through; any other request MSW does not
    // handle fails the test.
    msw.listen({
      onUnhandledRequest(request, print) {
        if (new URL(request.url).hostname !== "127.0.0.1") print.error();
      },
    });
    stub = await listen(router);
  });
  afterAll(async () => {
    msw.close();
    await stub?.close();
  });
  return [
    ["generated MSW mocks", () => mockUrl],
    [
      "generated server stub over HTTP",
      () => {
        if (!stub) throw new Error("the server stub is not listening yet");
        return stub.url;
      },
    ],
  ];
}

/** A client for `baseUrl` that checks requests and answers strictly and never retries. */
export function strictClient(schemas: SchemaBundle, baseUrl: string, extra = {}) {
  return createClient(schemas, { baseUrl, validation: "strict", retry: false, ...extra });
}
