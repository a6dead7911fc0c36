/**
 * `@trustspec/dss/lite`: the Signature Service and identity centre operations without validation,
 * against the generated MSW mocks and against the emulator over real HTTP on 127.0.0.1 (no input,
 * a path parameter, a JSON body, a form body, error statuses); the browser's authorization code
 * flow with PKCE over the lite STS client; what a one-operation bundle carries; the types.
 */
import { join } from "node:path";
import { ConfigurationError, ValidationError } from "@trustspec/runtime";
import {
  browserBundleOf,
  expectLiteResponsesMatch,
  useMockServer,
} from "@trustspec-private/test-support";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import * as full from "../src/index.js";
import {
  ApiError,
  bearerAuth,
  buildAuthorizeUrl,
  createDssSignClient,
  createDssStsClient,
  type DssSignLiteClient,
  type DssStsLiteClient,
  getCertificate,
  isGetCertificateError,
  listCertificates,
  OAuthRequestError,
  parseAuthorizationRedirect,
  requestAuthorizationCodeToken,
  signDocument,
  token,
} from "../src/lite.js";
import { createDssSignMockHandlers, createDssStsMockHandlers } from "../src/mocks.js";

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
const REDIRECT = "https://app.example/cb";

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("against the MSW mocks", () => {
  const SIGN = "http://dss-lite.mock.test/SignServer/rest/api";
  const STS = "http://dss-lite.mock.test/STS";
  const server = setupServer(
    ...createDssSignMockHandlers({ baseUrl: SIGN, seed: 3 }),
    ...createDssStsMockHandlers({ baseUrl: STS, seed: 3 }),
  );
  const { requests, bodies } = useMockServer(server);

  const sign = () => createDssSignClient({ baseUrl: SIGN, retry: false, auth: bearerAuth("t0k") });

  it("listCertificates: no input, a bearer token", async () => {
    const { status, data } = await listCertificates(sign());
    expect(status).toBe(200);
    expect(Array.isArray(data)).toBe(true);
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer t0k");
  });

  it("getCertificate: a path parameter", async () => {
    const { status, data } = await getCertificate(sign(), { path: { key: 17 } });
    expect(status).toBe(200);
    expect(typeof data).toBe("object");
    expect(new URL(requests[0]!.url).pathname).toBe("/SignServer/rest/api/certificates/17");
  });

  it("signDocument: a JSON body", async () => {
    const body = { Content: b64("lite"), Signature: { Type: "CMS" as const } };
    const { status, data } = await signDocument(sign(), { body });
    expect(status).toBe(200);
    expect(typeof data).toBe("string");
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(await bodies[0]!)).toEqual(body);
  });

  it("token: a form body", async () => {
    const sts = createDssStsClient({ baseUrl: STS, retry: false });
    const { status, data } = await token(sts, {
      body: { grant_type: "password", username: "demo", password: "demo", client_id: "c" },
    });
    expect(status).toBe(200);
    expect(typeof data.access_token).toBe("string");
    expect(requests[0]!.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(await bodies[0]!).get("grant_type")).toBe("password");
  });
});

describe("against the emulator over HTTP on 127.0.0.1", () => {
  let dss: DssEmulator;
  let url = "";
  let close: () => Promise<void> = async () => {};
  let sts: DssStsLiteClient;
  beforeAll(async () => {
    dss = await DssEmulator.create({
      confirmation: "Off",
      clients: [{ id: "spa", redirectUris: [REDIRECT], responseTypes: ["code"] }],
      users: [{ login: "demo", password: "demo" }],
    });
    ({ url, close } = await dss.listen());
    sts = createDssStsClient({ baseUrl: `${url}/STS`, retry: false });
  });
  afterAll(async () => {
    await close();
    await dss.close();
  });

  /** The user's browser at the authorization URL: signs in, follows nothing, returns the Location. */
  async function signIn(at: URL): Promise<string> {
    const answer = await fetch(at, {
      redirect: "manual",
      headers: { authorization: `Basic ${b64("demo:demo")}` },
    });
    expect(answer.status).toBe(302);
    return answer.headers.get("location")!;
  }

  const client = { clientId: "spa" };

  /** The authorization URL with PKCE, the user's sign-in, and the code from the redirect. */
  async function authorizationCode() {
    const built = buildAuthorizeUrl(sts, { client, redirectUri: REDIRECT, pkce: true });
    const { code } = parseAuthorizationRedirect(await signIn(built.url), {
      expectedState: built.state!,
    });
    return { built, code };
  }

  /** A Signature Service client with a token from the code flow. */
  async function signedIn(): Promise<DssSignLiteClient> {
    const { built, code } = await authorizationCode();
    const issued = await requestAuthorizationCodeToken(sts, {
      client,
      code,
      redirectUri: REDIRECT,
      codeVerifier: built.codeVerifier!,
    });
    return createDssSignClient({
      baseUrl: `${url}/SignServer/rest/api`,
      retry: false,
      auth: bearerAuth(issued.access_token),
    });
  }

  it("listens on 127.0.0.1", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("the authorization code flow with PKCE, then a signature, a list and a 404", async () => {
    const built = buildAuthorizeUrl(sts, { client, redirectUri: REDIRECT, pkce: true });
    expect(built.url.pathname).toBe("/STS/oauth/authorize");
    expect(built.url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(built.url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const sign = await signedIn();
    const content = new TextEncoder().encode("signed from a lite bundle");
    const signed = await signDocument(sign, {
      body: { Content: b64(content), Signature: { Type: "CMS" } },
    });
    const verified = await verifyCms(new Uint8Array(Buffer.from(signed.data, "base64")), {
      content,
      trusted: [dss.caCertificate],
    });
    expect(verified.valid).toBe(true);
    expect((await listCertificates(sign)).data[0]?.DName).toBe("CN=demo");

    const missing = await rejection(getCertificate(sign, { path: { key: 424242 } }));
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).status).toBe(404);
    expect(isGetCertificateError(missing)).toBe(true);
  });

  it("a code exchanged with another PKCE verifier is refused as invalid_grant, the code kept out", async () => {
    const { code } = await authorizationCode();
    const error = await rejection(
      requestAuthorizationCodeToken(sts, {
        client,
        code,
        redirectUri: REDIRECT,
        codeVerifier: "x".repeat(48),
      }),
    );
    expect(error).toBeInstanceOf(OAuthRequestError);
    expect((error as OAuthRequestError).error).toBe("invalid_grant");
    expect((error as OAuthRequestError).status).toBe(400);
    expect(JSON.stringify(error) + String(error)).not.toContain(code);
  });

  it("a request that breaks the contract is not refused by the client: the server's 400 comes back", async () => {
    const sign = await signedIn();
    const error = await rejection(
      // @ts-expect-error the contract knows no such signature type
      signDocument(sign, { body: { Content: b64("x"), Signature: { Type: "Nope" } } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as ApiError).status).toBe(400);
  });
});

describe("what a one-operation browser bundle carries", () => {
  const packageDir = join(import.meta.dirname, "..");
  const validators = (files: string[]) => files.filter((f) => f.endsWith("validators.gen.ts"));

  it("signDocument from the lite entry carries no validators; from the main entry it does", {
    timeout: 120_000,
  }, async () => {
    const names = ["createDssSignClient", "signDocument"];
    const lite = await browserBundleOf("@trustspec/dss/lite", names, packageDir);
    const main = await browserBundleOf("@trustspec/dss", names, packageDir);
    expect(validators(lite.files)).toEqual([]);
    expect(validators(main.files)).toEqual(["src/generated/signserver/validators.gen.ts"]);
    expect(lite.text.length).toBeLessThan(main.text.length);
  });

  it("the browser sign-in (authorization URL with PKCE, redirect, code exchange) carries no validators", {
    timeout: 120_000,
  }, async () => {
    const names = [
      "createDssStsClient",
      "buildAuthorizeUrl",
      "parseAuthorizationRedirect",
      "requestAuthorizationCodeToken",
    ];
    const lite = await browserBundleOf("@trustspec/dss/lite", names, packageDir);
    expect(validators(lite.files)).toEqual([]);
    expect(lite.files.filter((f) => f.endsWith("schemas.gen.ts") || /\bajv/.test(f))).toEqual([]);
    const main = await browserBundleOf("@trustspec/dss", names, packageDir);
    expect(validators(main.files)).toEqual(["src/generated/sts/validators.gen.ts"]);
  });
});

describe("the choices a lite client refuses, and its types", () => {
  it("refuses any validation policy but off", () => {
    for (const policy of ["strict", "report"] as const) {
      for (const create of [createDssSignClient, createDssStsClient]) {
        const error = (() => {
          try {
            // @ts-expect-error a lite client has no validation to turn on
            create({ validation: policy });
          } catch (e) {
            return e;
          }
        })();
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).option).toBe("validation");
      }
    }
    expect(createDssSignClient({ validation: "off" }).lite).toBe(true);
  });

  it("a lite operation refuses a client of the main entry", async () => {
    const mainClient = full.createDssSignClient({ baseUrl: "http://127.0.0.1:1" });
    // @ts-expect-error a client of the main entry validates; the lite operations would not
    const error = await rejection(listCertificates(mainClient));
    expect((error as ConfigurationError).option).toBe("client");
  });

  it("has the main entry's operation types", () => {
    expectTypeOf(signDocument).parameter(1).toEqualTypeOf<full.SignDocumentInput>();
    expectTypeOf<ReturnType<typeof signDocument>>().toEqualTypeOf<
      ReturnType<typeof full.signDocument>
    >();
    expectTypeOf(getCertificate).parameter(1).toEqualTypeOf<full.GetCertificateInput>();
    expectTypeOf<Awaited<ReturnType<typeof token>>>().toEqualTypeOf<
      Awaited<ReturnType<typeof full.token>>
    >();
    expectTypeOf(buildAuthorizeUrl).parameter(1).toEqualTypeOf<full.AuthorizeUrlOptions>();
    expectTypeOf<ReturnType<typeof buildAuthorizeUrl>>().toEqualTypeOf<full.BuiltAuthorizeUrl>();
    expectTypeOf<ReturnType<typeof requestAuthorizationCodeToken>>().toEqualTypeOf<
      ReturnType<typeof full.requestAuthorizationCodeToken>
    >();
  });
});

describe("the lite descriptors", () => {
  it("of the Signature Service read every documented answer as the full descriptors do", async () => {
    const full = await import("../src/generated/signserver/operations.gen.js");
    const lite = await import("../src/generated/signserver/operations-lite.gen.js");
    expectLiteResponsesMatch(full.operationList, lite);
  });

  it("of the identity centre read every documented answer as the full descriptors do", async () => {
    const full = await import("../src/generated/sts/operations.gen.js");
    const lite = await import("../src/generated/sts/operations-lite.gen.js");
    expectLiteResponsesMatch(full.operationList, lite);
  });
});
