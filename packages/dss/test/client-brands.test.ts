/**
 * The two clients of @trustspec/dss are made for their own API: the Signature Service operations
 * refuse an identity-centre (STS) client and the STS operations refuse a Signature Service client,
 * at compile time; the error guards type the documented error bodies. The `@ts-expect-error`
 * lines are checked by `tsc --noEmit` (the package's typecheck).
 */
import { ApiError, type Client, createClient } from "@trustspec/runtime";
import { describe, expect, expectTypeOf, it } from "vitest";
import { schemas as stsSchemas } from "../src/generated/sts/schemas.gen.js";
import {
  buildAuthorizeUrl,
  createDssSignClient,
  createDssStsClient,
  type DssError,
  type DssSignClient,
  type DssStsClient,
  isListCertificatesError,
  isTokenError,
  listCertificates,
  type OAuthError,
  requestPasswordToken,
  token,
  withConfirmedToken,
} from "../src/index.js";

const answering = (status: number, body: unknown) =>
  (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    })) as typeof fetch;

/** Compiled, never run: which client each operation and helper accepts. */
function calls(sign: DssSignClient, sts: DssStsClient) {
  void listCertificates(sign);
  void token(sts, { body: { grant_type: "client_credentials" } as never });
  // @ts-expect-error an STS client for a Signature Service operation
  void listCertificates(sts);
  // @ts-expect-error a Signature Service client for an STS operation
  void token(sign, { body: { grant_type: "client_credentials" } as never });
  void requestPasswordToken(sts, { client: { clientId: "c" }, username: "u", password: "p" });
  buildAuthorizeUrl(sts, { client: { clientId: "c" }, redirectUri: "https://app.test/cb" });
  // @ts-expect-error the hand-written OAuth helpers take the STS client only
  void requestPasswordToken(sign, { client: { clientId: "c" }, username: "u", password: "p" });
  // @ts-expect-error a client built from the STS schemas without naming its API
  void token(createClient(stsSchemas), { body: { grant_type: "client_credentials" } as never });
  // @ts-expect-error buildAuthorizeUrl takes the STS client
  buildAuthorizeUrl(sign, { client: { clientId: "c" }, redirectUri: "https://app.test/cb" });
  void withConfirmedToken(sign, "token", (client) => {
    expectTypeOf(client).toEqualTypeOf<DssSignClient>();
    return listCertificates(client);
  });
  // @ts-expect-error withConfirmedToken runs Signature Service calls
  void withConfirmedToken(sts, "token", async () => undefined);
}

describe("DssSignClient and DssStsClient", () => {
  it("are the clients the factories return, each of its own API", () => {
    const sign = createDssSignClient({ baseUrl: "https://dss.test/SignServer/rest/api" });
    const sts = createDssStsClient({ baseUrl: "https://dss.test/STS" });
    expectTypeOf(sign).toEqualTypeOf<Client<"DssSign">>();
    expectTypeOf(sts).toEqualTypeOf<Client<"DssSts">>();
    expectTypeOf(sign).not.toExtend<DssStsClient>();
    expectTypeOf(sts).not.toExtend<DssSignClient>();
    expectTypeOf(sign).toExtend<Client>();
    expect(Object.getOwnPropertySymbols(sign)).toEqual([]);
    expect(typeof calls).toBe("function");
  });
});

describe("typed error bodies", () => {
  it("isTokenError narrows to the OAuth error body of 400 and 401", async () => {
    const sts = createDssStsClient({
      baseUrl: "https://dss.test/STS",
      retry: false,
      fetch: answering(400, { error: "invalid_grant", error_description: "bad password" }),
    });
    const error = await token(sts, {
      body: { grant_type: "password", client_id: "c", username: "u", password: "p" },
    }).catch((e: unknown) => e);
    if (error instanceof ApiError) expectTypeOf(error.body).toBeUnknown();
    expect(isTokenError(error)).toBe(true);
    if (!isTokenError(error)) return;
    expectTypeOf(error.body).toEqualTypeOf<OAuthError>();
    expectTypeOf(error.status).toEqualTypeOf<400 | 401>();
    expect(error.body.error).toBe("invalid_grant");
    // Another operation's guard does not claim it.
    expect(isListCertificatesError(error)).toBe(false);
  });

  it("isListCertificatesError narrows to DssError; a body that breaks it is not claimed", async () => {
    const failing = (body: unknown) =>
      listCertificates(
        createDssSignClient({
          baseUrl: "https://dss.test/SignServer/rest/api",
          retry: false,
          fetch: answering(401, body),
        }),
      ).catch((e: unknown) => e);
    const documented = await failing({
      Message: "Authorization has been denied for this request.",
    });
    expect(isListCertificatesError(documented)).toBe(true);
    if (isListCertificatesError(documented)) {
      expectTypeOf(documented.body).toEqualTypeOf<DssError>();
      expect(documented.body.Message).toMatch(/denied/);
    }
    const odd = await failing({ unexpected: true });
    expect(odd).toBeInstanceOf(ApiError);
    expect(isListCertificatesError(odd)).toBe(false);
  });
});
