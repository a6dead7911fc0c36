import { contractTargets, expectSuccess } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import * as client from "../src/generated/sts/client.gen.js";
import { createDssStsMockHandlers, defaultDssStsHandlers } from "../src/generated/sts/msw.gen.js";
import { operationList } from "../src/generated/sts/operations.gen.js";
import { schemas } from "../src/generated/sts/schemas.gen.js";
import {
  type AuthorizeReply,
  createDssStsRouter,
  formatDssStsError,
} from "../src/generated/sts/server.gen.js";

/**
 * The identity centre's token and confirmation operations through their generated client
 * functions, against the generated MSW mocks and the generated server stub over HTTP. The two
 * authorize operations answer with a 302 redirect: a browser opens them, and the client only
 * builds their URL (`authorizeUrl`, tested in authorize-url.test.ts); they are left out here, by
 * name.
 */
const NOT_CALLABLE = new Set(["authorize", "authorizeWithCertificate"]);
const callable = operationList.filter((op) => !NOT_CALLABLE.has(op.operationId));

const MOCK_URL = "http://sts.test/STS";
const targets = contractTargets(
  MOCK_URL,
  createDssStsMockHandlers({ baseUrl: MOCK_URL, seed: 3 }),
  createDssStsRouter(defaultDssStsHandlers(4), {
    formatError: formatDssStsError,
    responseValidation: "strict",
  }),
);

describe("the operations left out are exactly the redirecting ones", () => {
  it("names two operations that answer 302", () => {
    const redirecting = operationList
      .filter((op) => "302" in op.responses)
      .map((op) => op.operationId);
    expect(redirecting.sort()).toEqual([...NOT_CALLABLE].sort());
    expect(callable.map((op) => op.operationId).sort()).toEqual(["confirm", "token"]);
  });
});

describe.each(targets)("identity-centre operations against the %s", (_name, baseUrl) => {
  it.each(callable.map((op, i) => [op.operationId, op, i] as const))("%s", (_id, op, i) =>
    expectSuccess(client, schemas, baseUrl(), op, i + 1),
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

  it("a confirmation request that breaks the contract is refused as a ConfirmationResponse", async () => {
    const res = await fetch(`${baseUrl()}/confirmation`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer t" },
      body: JSON.stringify({ Resource: 42 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    // The confirmation service's own error shape (guide, Table 101), not the OAuth one.
    expect(body).toMatchObject({ IsFinal: true, IsError: true });
    expect(typeof body.Error).toBe("string");
    expect(typeof body.ErrorDescription).toBe("string");
    expect(body).not.toHaveProperty("error");
  });
});

/**
 * The authorize operations declare every answer of the decision in the spec (RFC 6749 §4.1.2.1,
 * §4.2.2.1): 302 (the code, or an error, in the Location query), 200 (a page), 400 (an OAuthError,
 * no redirect) and 401 (WWW-Authenticate). The generated server stub checks a handler's answers
 * against them; its URL comes from the generated builder.
 */
describe("the generated server stub's authorize operations", () => {
  const query = {
    client_id: "dss.sample",
    response_type: "code",
    scope: "dss",
    redirect_uri: "https://app.example/cb",
    state: "s",
  } as const;
  const stub = (reply: AuthorizeReply) => {
    const router = createDssStsRouter(
      { authorize: () => reply, authorizeWithCertificate: () => reply },
      { formatError: formatDssStsError, responseValidation: "strict" },
    );
    const builder = client.createDssStsClient({ baseUrl: "http://stub.test" });
    return Promise.all(
      [
        client.authorizeUrl(builder, { query }),
        client.authorizeWithCertificateUrl(builder, { query }),
      ].map((url) => router.fetch(new Request(url, { redirect: "manual" }))),
    );
  };

  it("passes a 400 OAuthError and a 401 with WWW-Authenticate through strict response checks", async () => {
    for (const res of await stub({
      status: 400,
      body: { error: "invalid_client", error_description: "No client has this client_id." },
    })) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: "invalid_client",
        error_description: "No client has this client_id.",
      });
    }
    for (const res of await stub({
      status: 401,
      headers: { "www-authenticate": 'Basic realm="stub"' },
      body: { error: "login_required" },
    })) {
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="stub"');
    }
  });

  it("passes an error redirect, and refuses a 400 body that is not an OAuthError", async () => {
    const location = "https://app.example/cb?error=invalid_scope&state=s";
    for (const res of await stub({ status: 302, headers: { location } })) {
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(location);
    }
    for (const res of await stub({ status: 400, body: { message: "no" } as never })) {
      // The answer breaks the contract: the strict stub answers 500 instead.
      expect(res.status).toBe(500);
    }
  });

  it("declares 400 and 401 with the OAuthError body for both operations", () => {
    for (const id of ["authorize", "authorizeWithCertificate"]) {
      const op = operationList.find((o) => o.operationId === id)!;
      expect(Object.keys(op.responses).sort()).toEqual(["200", "302", "400", "401"]);
      expect(op.responses["400"]?.schema).toEqual({
        $ref: "urn:trustspec:dsssts#/$defs/OAuthError",
      });
      expect(op.responses["401"]?.headers).toEqual(["WWW-Authenticate"]);
    }
  });
});
