import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ApiError,
  type Client,
  createClient,
  isOperationError,
  type OperationDescriptor,
  type SchemaBundle,
  TrustspecError,
  validatorFor,
} from "../src/index.js";
import { createSoapClient, type SoapClient, type SoapServiceDescriptor } from "../src/soap.js";

/**
 * The types that keep a client to its API and type error bodies: `Client<TApi>` and
 * `SoapClient<TService>` (brands that exist in the type only), `instanceof ApiError` giving
 * `ApiError<unknown>`, and `isOperationError`, which the generated `is…Error` guards call.
 * The `@ts-expect-error` lines are checked by `tsc --noEmit` (the package's typecheck).
 */

const bundle: SchemaBundle = {
  $id: "urn:test:errors",
  $defs: {
    Problem: {
      type: "object",
      required: ["code"],
      properties: { code: { type: "string" } },
    },
  },
};
const problem = { $ref: "urn:test:errors#/$defs/Problem" };

const getThing: OperationDescriptor = {
  operationId: "getThing",
  method: "GET",
  path: "/things/{id}",
  params: [],
  responses: { "200": {}, "404": { mediaType: "application/json", schema: problem }, "409": {} },
  success: [200],
  security: [],
};
const anyFailure: OperationDescriptor = {
  ...getThing,
  operationId: "anyFailure",
  responses: { "200": {}, default: { mediaType: "application/json", schema: problem } },
};

const apiError = (operationId: string, status: number, body: unknown) =>
  new ApiError({ operationId, status, body, headers: new Headers() });

// Operations of two APIs, one that takes any client, and one SOAP operation: the types matter.
const thingsOperation = (_client: Client<"Things">) => {};
const otherOperation = (_client: Client<"Other">) => {};
const anyApi = (_client: Client) => {};
const thingsSoapOperation = (_client: SoapClient<"Things">) => {};

describe("Client<TApi>", () => {
  it("is refused by the operations of another API, and accepted where any client is", () => {
    const things = createClient<"Things">(bundle);
    const other = createClient<"Other">(bundle);
    thingsOperation(things);
    otherOperation(other);
    // @ts-expect-error a client made for another API
    thingsOperation(other);
    // @ts-expect-error a client made for another API
    otherOperation(things);
    anyApi(things);
    anyApi(other);
    expectTypeOf(things).toEqualTypeOf<Client<"Things">>();
    expectTypeOf(things).toExtend<Client>();
    expectTypeOf(things).not.toExtend<Client<"Other">>();
  });

  it("is not named by where the client goes: a client without a name is refused", () => {
    const unnamed = createClient(bundle);
    expectTypeOf(unnamed).toEqualTypeOf<Client<string>>();
    // @ts-expect-error a client of no API in particular
    thingsOperation(unnamed);
    // @ts-expect-error nor is the name inferred from the parameter
    thingsOperation(createClient(bundle));
  });

  it("exists in the type only: the client object is the same as before", () => {
    const client = createClient<"Things">(bundle, { baseUrl: "https://things.test" });
    expect(Object.keys(client).sort()).toEqual(["options", "validator"]);
    expect(Object.getOwnPropertySymbols(client)).toEqual([]);
  });
});

describe("SoapClient<TService>", () => {
  const service: SoapServiceDescriptor = {
    name: "Things",
    version: "1.1",
    targetNamespace: "urn:things",
    types: {},
    operations: {},
  };

  it("is refused by the operations of another service", () => {
    const things = createSoapClient<"Things">(service);
    const other = createSoapClient<"Other">(service);
    thingsSoapOperation(things);
    // @ts-expect-error a client made for another service
    thingsSoapOperation(other);
    // @ts-expect-error a client of no service in particular
    thingsSoapOperation(createSoapClient(service));
    // @ts-expect-error a REST client is no SOAP client
    thingsSoapOperation(createClient<"Things">(bundle));
    // @ts-expect-error a SOAP client of another service is refused by a REST operation too
    thingsOperation(other);
    expect(Object.getOwnPropertySymbols(things)).toEqual([]);
  });
});

describe("ApiError typing", () => {
  it("instanceof gives ApiError<unknown>: the body must be checked before use", () => {
    const caught: unknown = apiError("getThing", 404, { code: "missing" });
    if (!(caught instanceof ApiError)) throw new Error("expected an ApiError");
    expectTypeOf(caught.body).toBeUnknown();
    expectTypeOf(caught.status).toEqualTypeOf<number>();
    // @ts-expect-error `body` is unknown, not any
    caught.body.code;
  });

  it("instanceof still works for subclasses and unrelated errors", () => {
    class Special extends ApiError<{ special: true }> {}
    const special: unknown = new Special({
      operationId: "x",
      status: 500,
      body: { special: true },
      headers: new Headers(),
    });
    expect(special instanceof ApiError).toBe(true);
    expect(special instanceof Special).toBe(true);
    expect(special instanceof TrustspecError).toBe(true);
    if (special instanceof Special) expectTypeOf(special.body).toEqualTypeOf<{ special: true }>();
    expect(apiError("x", 500, undefined) instanceof Special).toBe(false);
    expect(new TrustspecError("c", "m") instanceof ApiError).toBe(false);
    expect((null as unknown) instanceof ApiError).toBe(false);
    expect({ status: 404 } instanceof ApiError).toBe(false);
  });

  it("carries a status type: ApiError<Body, 404>", () => {
    const e = new ApiError({
      operationId: "x",
      status: 404 as const,
      body: "",
      headers: new Headers(),
    });
    expectTypeOf(e).toEqualTypeOf<ApiError<string, 404>>();
    expectTypeOf(e.status).toEqualTypeOf<404>();
  });
});

describe("isOperationError", () => {
  it("is true for a documented status whose body matches its schema", () => {
    expect(
      isOperationError(
        apiError("getThing", 404, { code: "missing" }),
        getThing,
        validatorFor(bundle),
      ),
    ).toBe(true);
    // No schema documented for 409: any body.
    expect(
      isOperationError(apiError("getThing", 409, "busy"), getThing, validatorFor(bundle)),
    ).toBe(true);
    // `default` documents every other status.
    expect(
      isOperationError(
        apiError("anyFailure", 503, { code: "x" }),
        anyFailure,
        validatorFor(bundle),
      ),
    ).toBe(true);
  });

  it("is false for a body that breaks the schema, whatever the client's validation policy", () => {
    expect(
      isOperationError(apiError("getThing", 404, { code: 1 }), getThing, validatorFor(bundle)),
    ).toBe(false);
    expect(
      isOperationError(apiError("getThing", 404, "<html>"), getThing, validatorFor(bundle)),
    ).toBe(false);
    expect(
      isOperationError(apiError("getThing", 404, undefined), getThing, validatorFor(bundle)),
    ).toBe(false);
  });

  it("is false for an undocumented status, a success status, another operation or another error", () => {
    expect(
      isOperationError(apiError("getThing", 500, { code: "x" }), getThing, validatorFor(bundle)),
    ).toBe(false);
    expect(
      isOperationError(apiError("getThing", 200, { code: "x" }), getThing, validatorFor(bundle)),
    ).toBe(false);
    expect(
      isOperationError(apiError("other", 404, { code: "x" }), getThing, validatorFor(bundle)),
    ).toBe(false);
    expect(isOperationError(new TrustspecError("c", "m"), getThing, validatorFor(bundle))).toBe(
      false,
    );
    expect(isOperationError(undefined, getThing, validatorFor(bundle))).toBe(false);
  });
});
