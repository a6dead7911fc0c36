import { createHash } from "node:crypto";
import { ApiError, basicAuth, bearerAuth, type Middleware } from "@trustspec/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeCertificate, verifyCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import * as sign from "../src/generated/signserver/client.gen.js";
import { operationList as signOperations } from "../src/generated/signserver/operations.gen.js";
import * as sts from "../src/generated/sts/client.gen.js";
import {
  OAuthRequestError,
  parseAuthorizationRedirect,
  parseFormPostPage,
  parseImplicitFormPost,
} from "../src/oauth/index.js";

/**
 * Every Signature Service operation, the token endpoint with each grant and the confirmation
 * service, called through the generated client functions with strict contract checks both ways,
 * against the emulator over HTTP on 127.0.0.1. The emulator checks its own answers too
 * (`responseValidation: "strict"`). Each step asserts what the call did, not only that it passed.
 */

const REDIRECT = "urn:ietf:wg:oauth:2.0:oob:auto";
const CALLBACK = "https://app.example/cb";
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
const issues: string[] = [];
const called = new Set<string>();
const record: Middleware = {
  onRequest: (request) => {
    called.add(request.operationId);
  },
};

let userToken: string;
let operatorToken: string;
let ca: Uint8Array;

function stsClient(auth?: ReturnType<typeof basicAuth>): sts.DssStsClient {
  return sts.createDssStsClient({
    baseUrl: `${server.url}/STS`,
    validation: "strict",
    retry: false,
    ...(auth ? { auth } : {}),
  });
}

function signClient(token: string): sign.DssSignClient {
  return sign.createDssSignClient({
    baseUrl: `${server.url}/SignServer/rest/api`,
    auth: bearerAuth(token),
    validation: "strict",
    retry: false,
    middleware: [record],
  });
}

/** Awaits a call expected to fail; returns the ApiError. */
async function failure(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

beforeAll(async () => {
  dss = await DssEmulator.create({
    clients: [
      { id: "dss.sample" },
      { id: "wpf.hybrid", secret: "secret" },
      { id: "code.only", redirectUris: [CALLBACK], responseTypes: ["code"] },
    ],
    users: [
      { login: "demo", password: "demo" },
      { login: "operator", password: "operator", role: "operator" },
      { login: "locked", password: "locked" },
    ],
    responseValidation: "strict",
    onValidationIssue: (op, list) => issues.push(`${op}: ${list.map((i) => i.message).join("; ")}`),
  });
  server = await dss.listen();
  ca = dss.caCertificate;
  dss.state.users.get("locked")!.locked = true;
});

afterAll(async () => {
  await server?.close();
  await dss?.close();
});

describe("identity centre: token (each grant) and authorize", () => {
  it("password grant, public client naming itself in client_id", async () => {
    const res = await sts.token(stsClient(), {
      body: { grant_type: "password", username: "demo", password: "demo", client_id: "dss.sample" },
    });
    expect(res.status).toBe(200);
    expect(res.data.expires_in).toBe(300);
    expect(res.data.token_type).toBe("Bearer");
    userToken = res.data.access_token;
    const list = await sign.listCertificates(signClient(userToken));
    expect(list.data).toHaveLength(1);
  });

  it("password grant, confidential client with HTTP Basic", async () => {
    const res = await sts.token(stsClient(basicAuth("wpf.hybrid", "secret")), {
      body: { grant_type: "password", username: "operator", password: "operator", scope: "dss" },
    });
    operatorToken = res.data.access_token;
    expect(operatorToken).not.toBe(userToken);
  });

  it("authorization code grant: authorize (302 with ?code=) then token", async () => {
    const url = sts.authorizeUrl(stsClient(), {
      query: {
        client_id: "dss.sample",
        response_type: "code",
        scope: "openid dss",
        redirect_uri: REDIRECT,
        state: "xyz",
      },
    });
    const answer = await fetch(url, {
      redirect: "manual",
      headers: { authorization: `Basic ${b64("demo:demo")}` },
    });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get("location")!);
    expect(location.protocol).toBe("urn:");
    expect(location.searchParams.get("state")).toBe("xyz");
    const code = location.searchParams.get("code")!;
    const res = await sts.token(stsClient(), {
      body: {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
        client_id: "dss.sample",
      },
    });
    const certs = await sign.listCertificates(signClient(res.data.access_token));
    expect(certs.data[0]?.DName).toBe("CN=demo");
    // A code is good once.
    const again = await failure(
      sts.token(stsClient(), {
        body: {
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
          client_id: "dss.sample",
        },
      }),
    );
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error: "invalid_grant" });
  });

  it("implicit grant at authorize/certificate: a form-post page whose token signs in", async () => {
    const url = sts.authorizeWithCertificateUrl(stsClient(), {
      query: {
        client_id: "dss.sample",
        response_type: "token",
        scope: "dss",
        redirect_uri: "https://app.example/signed-in",
        state: "s-17",
      },
    });
    expect(url.pathname).toBe("/STS/oauth/authorize/certificate");
    const answer = await fetch(url, {
      redirect: "manual",
      headers: { authorization: `Basic ${b64("demo:demo")}` },
    });
    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain('action="https://app.example/signed-in"');
    const token = parseImplicitFormPost(page);
    expect(token).toMatchObject({ token_type: "Bearer", scope: "dss" });
    expect(parseFormPostPage(page).fields.state).toBe("s-17");
    const certs = await sign.listCertificates(signClient(token.access_token));
    expect(certs.data[0]?.DName).toBe("CN=demo");
    // Without the user's credentials the endpoint asks for them.
    const anonymous = await fetch(url, { redirect: "manual" });
    expect(anonymous.status).toBe(401);
  });

  it("token exchange: the operator acts for the user with an unsigned subject JWT", async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const subject = `${part({ alg: "none", typ: "JWT" })}.${part({ unique_name: "demo", nbf: now, exp: now + 3600, iat: now })}.`;
    const res = await sts.token(stsClient(), {
      body: {
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        actor_token: operatorToken,
        actor_token_type: "urn:ietf:params:oauth:token-type:jwt",
        subject_token: subject,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        client_id: "dss.sample",
      },
    });
    expect(res.data.token_type).toBe("Bearer");
    const certs = await sign.listCertificates(signClient(res.data.access_token));
    expect(certs.data.map((c) => c.DName)).toEqual(["CN=demo"]);
    // The operator's own token sees the operator's (no) certificates.
    expect((await sign.listCertificates(signClient(operatorToken))).data).toEqual([]);
  });
});

/**
 * How the authorize endpoints answer errors (RFC 6749 §4.1.2.1, §4.2.2.1), through the generated
 * URL builders and client functions: no redirect (400) when client_id or redirect_uri cannot be
 * trusted; otherwise error, error_description and state go back to the redirect_uri, in the query
 * of a 302 (code grant) or in the form-post page (implicit grant); 401 with a Basic challenge only
 * for an otherwise valid request without the user's credentials.
 */
describe.each([
  ["authorize", sts.authorizeUrl, sts.authorize],
  ["authorizeWithCertificate", sts.authorizeWithCertificateUrl, sts.authorizeWithCertificate],
] as const)("identity centre: %s errors", (_name, buildUrl, call) => {
  type Query = Parameters<typeof buildUrl>[1]["query"];
  const query = (extra: Partial<Query> = {}): Query => ({
    client_id: "dss.sample",
    response_type: "code",
    scope: "openid dss",
    redirect_uri: CALLBACK,
    state: "st-42",
    ...extra,
  });
  /** Opens the URL as a browser would, not following the redirect. */
  const open = (url: URL, login?: string) =>
    fetch(url, {
      redirect: "manual",
      ...(login ? { headers: { authorization: `Basic ${b64(`${login}:${login}`)}` } } : {}),
    });
  /** The URL of a valid query, then edited to break the contract (the builder refuses that). */
  const broken = (edit: (params: URLSearchParams) => void, extra: Partial<Query> = {}) => {
    const url = buildUrl(stsClient(), { query: query(extra) });
    edit(url.searchParams);
    return url;
  };
  /** A 400 answered by the server itself: an OAuth error body, no Location. */
  const expectRefusal = async (res: Response, error: string) => {
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error, error_description: expect.any(String) });
  };
  /** A 302 to the redirect_uri with error, error_description and state in the query. */
  const expectQueryError = (res: Response, error: string, prefix = `${CALLBACK}?`) => {
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location.startsWith(prefix), location).toBe(true);
    const params = new URL(location).searchParams;
    expect(params.get("error")).toBe(error);
    expect(params.get("error_description")).toEqual(expect.any(String));
    expect(params.get("state")).toBe("st-42");
    expect(params.has("code")).toBe(false);
    // The package's own redirect reader reports it as the OAuth error it is.
    const thrown = (() => {
      try {
        parseAuthorizationRedirect(location, { expectedState: "st-42" });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(OAuthRequestError);
    expect((thrown as OAuthRequestError).error).toBe(error);
  };
  /** A form-post page that posts error, error_description and state to the redirect_uri. */
  const expectFormPostError = async (res: Response, error: string) => {
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await res.text();
    const form = parseFormPostPage(page);
    expect(form.action).toBe(CALLBACK);
    expect(form.fields).toEqual({
      error,
      error_description: expect.any(String),
      state: "st-42",
    });
    expect(() => parseImplicitFormPost(page)).toThrow(
      expect.objectContaining({ error }) as OAuthRequestError,
    );
  };

  describe("client_id or redirect_uri not to be trusted: 400, no redirect", () => {
    it("an unknown client: invalid_client, through the generated client function", async () => {
      const e = await failure(
        call(stsClient(basicAuth("demo", "demo")), { query: query({ client_id: "nobody" }) }),
      );
      expect(e.status).toBe(400);
      expect(e.headers.get("location")).toBeNull();
      expect(e.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    });

    it("a redirect_uri not registered for the client: invalid_request", async () => {
      const e = await failure(
        call(stsClient(), {
          query: query({ client_id: "code.only", redirect_uri: "https://evil.example/cb" }),
        }),
      );
      expect(e.status).toBe(400);
      expect(e.body).toMatchObject({ error: "invalid_request" });
      expect(JSON.stringify(e.body)).not.toContain("evil.example");
    });

    it("client_id missing or repeated, redirect_uri missing, malformed, repeated or with a fragment", async () => {
      const cases: [string, URL][] = [
        ["no client_id", broken((p) => p.delete("client_id"))],
        ["two client_id", broken((p) => p.append("client_id", "wpf.hybrid"))],
        ["no redirect_uri", broken((p) => p.delete("redirect_uri"))],
        ["relative redirect_uri", broken((p) => p.set("redirect_uri", "/cb"))],
        ["redirect_uri with a fragment", broken((p) => p.set("redirect_uri", `${CALLBACK}#x`))],
        ["two redirect_uri", broken((p) => p.append("redirect_uri", "https://other.example/"))],
      ];
      for (const [why, url] of cases) {
        const res = await open(url, "demo");
        expect(res.status, why).toBe(400);
        await expectRefusal(res, "invalid_request");
      }
    });

    it("is answered before the other parameters and before the user signs in", async () => {
      const url = broken((p) => p.set("response_type", "id_token"), { client_id: "nobody" });
      await expectRefusal(await open(url), "invalid_client");
    });
  });

  describe("any other request error: back to the redirect_uri with error and state", () => {
    it("code grant, in the Location query: contract breaches, checked before the sign-in", async () => {
      const cases: [string, URL][] = [
        ["unsupported_response_type", broken((p) => p.set("response_type", "id_token"))],
        ["invalid_request", broken((p) => p.delete("response_type"))],
        ["invalid_scope", broken((p) => p.delete("scope"))],
        ["invalid_request", broken((p) => p.set("dss_scope_params", "not base64url!"))],
        ["invalid_request", broken((p) => p.set("code_challenge_method", "plain"))],
        ["invalid_request", broken((p) => p.set("resource", "not a url"))],
        ["invalid_request", broken((p) => p.append("scope", "dss"))],
      ];
      for (const [error, url] of cases) {
        // Without credentials: a request that cannot succeed does not ask the user to sign in.
        expectQueryError(await open(url), error);
      }
    });

    it("code grant: a scope without dss is invalid_scope, with or without credentials", async () => {
      const url = buildUrl(stsClient(), { query: query({ scope: "openid" }) });
      expectQueryError(await open(url), "invalid_scope");
      expectQueryError(await open(url, "demo"), "invalid_scope");
    });

    it("a registered redirect_uri keeps its own query parameters", async () => {
      const registered = `${CALLBACK}?tenant=7`;
      dss.state.addClient({ id: "with.query", redirectUris: [registered] });
      const url = buildUrl(stsClient(), {
        query: query({ client_id: "with.query", redirect_uri: registered, scope: "openid" }),
      });
      const res = await open(url);
      expectQueryError(res, "invalid_scope", `${registered}&`);
      expect(new URL(res.headers.get("location")!).searchParams.get("tenant")).toBe("7");
    });

    it("implicit grant, in the form-post page that would carry the token", async () => {
      await expectFormPostError(
        await open(
          buildUrl(stsClient(), { query: query({ response_type: "token", scope: "openid" }) }),
        ),
        "invalid_scope",
      );
      await expectFormPostError(
        await open(broken((p) => p.set("dss_scope_params", "=="), { response_type: "token" })),
        "invalid_request",
      );
    });

    it("a known client asking for a response type it may not use: unauthorized_client", async () => {
      const url = buildUrl(stsClient(), {
        query: query({ client_id: "code.only", response_type: "token" }),
      });
      await expectFormPostError(await open(url, "demo"), "unauthorized_client");
      // The same client with its own response type signs in as usual.
      const ok = await open(
        buildUrl(stsClient(), { query: query({ client_id: "code.only" }) }),
        "demo",
      );
      expect(ok.status).toBe(302);
      expect(new URL(ok.headers.get("location")!).searchParams.get("code")).toMatch(/\S/);
    });
  });

  describe("a valid request without the user's credentials: 401 with WWW-Authenticate", () => {
    it("no credentials, or refused ones, through the generated client function", async () => {
      for (const auth of [undefined, basicAuth("demo", "wrong")]) {
        const e = await failure(call(stsClient(auth), { query: query() }));
        expect(e.status).toBe(401);
        expect(e.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
        expect(e.body).toEqual({ error: "login_required", error_description: expect.any(String) });
        expect(JSON.stringify(e.body)).not.toContain("wrong");
      }
    });
  });

  describe("errors after the user signs in: back to the redirect_uri", () => {
    it("a locked account: access_denied", async () => {
      expectQueryError(
        await open(buildUrl(stsClient(), { query: query() }), "locked"),
        "access_denied",
      );
      await expectFormPostError(
        await open(buildUrl(stsClient(), { query: query({ response_type: "token" }) }), "locked"),
        "access_denied",
      );
    });

    it("a transaction that is not the user's: invalid_transaction", async () => {
      const extra = { dss_transaction_token_id: "00000000-0000-0000-0000-000000000000" };
      expectQueryError(
        await open(buildUrl(stsClient(), { query: query(extra) }), "demo"),
        "invalid_transaction",
      );
      await expectFormPostError(
        await open(
          buildUrl(stsClient(), { query: query({ ...extra, response_type: "token" }) }),
          "demo",
        ),
        "invalid_transaction",
      );
    });

    it("the emulator's answers kept the contract", () => {
      expect(issues).toEqual([]);
    });
  });
});

describe("Signature Service: every operation", () => {
  let defaultId: number;
  let autoRequestCertId: number;
  let operatorCertId: number;

  it("getPolicy answers the CA handlers and the signature types the emulator makes", async () => {
    const res = await sign.getPolicy(signClient(userToken));
    expect(res.data.CAPolicy.map((c) => c.ID)).toEqual([1, 2]);
    expect(res.data.AllowedSignatureTypes).toEqual([5, 2]);
    expect(res.data.ActionPolicy?.find((a) => a.Action === 2)?.MfaRequired).toBe(false);
  });

  it("listCertificates, getCertificate and getCertificateContent in the three formats", async () => {
    const c = signClient(userToken);
    const list = await sign.listCertificates(c);
    const mine = list.data[0]!;
    expect(mine.IsDefault).toBe(true);
    defaultId = mine.ID;
    const one = await sign.getCertificate(c, { path: { key: defaultId } });
    expect(one.data.CertificateBase64).toBe(mine.CertificateBase64);
    expect(describeCertificate(unb64(mine.CertificateBase64)).issuer).toBe(
      describeCertificate(ca).subject,
    );
    const raw = await sign.getCertificateContent(c, {
      path: { key: defaultId },
      query: { format: 1 },
    });
    expect(raw.data).toBe(mine.CertificateBase64);
    const xml = await sign.getCertificateContent(c, {
      path: { key: defaultId },
      query: { format: 2 },
    });
    expect(xml.data).toContain("<pki:subject>CN=demo</pki:subject>");
    const html = await sign.getCertificateContent(c, {
      path: { key: defaultId },
      query: { format: 4 },
    });
    expect(html.data).toMatch(/^<\?xml[\s\S]*<html[\s\S]*CN=demo/);
  });

  it("signDocument: a real CMS signature, detached by default, attached when asked", async () => {
    const c = signClient(userToken);
    const content = new TextEncoder().encode("Договор №1");
    const detached = await sign.signDocument(c, {
      body: {
        Content: b64(content),
        Name: "contract.txt",
        Signature: { Type: 5, CertificateId: 0, PinCode: "" },
      },
    });
    const v1 = await verifyCms(unb64(detached.data), { content, trusted: [ca] });
    expect(v1.valid).toBe(true);
    expect(describeCertificate(v1.signerCertificate!).subject).toBe("CN=demo");
    // Detached: the signature does not carry the document.
    expect((await verifyCms(unb64(detached.data))).code).toBe("content-missing");
    const attached = await sign.signDocument(c, {
      body: {
        Content: b64(content),
        Signature: { Type: "CMS", CertificateId: defaultId, Parameters: { IsDetached: "False" } },
      },
    });
    const v2 = await verifyCms(unb64(attached.data), { trusted: [ca] });
    expect(v2.valid).toBe(true);
    expect(Buffer.from(v2.content!).toString()).toBe("Договор №1");
  });

  it("signDocumentPackage signs every document alike", async () => {
    const docs = ["один", "два"].map((t) => new TextEncoder().encode(t));
    const res = await sign.signDocumentPackage(signClient(userToken), {
      body: {
        Documents: docs.map((d, i) => ({ Name: `d${i}`, Content: b64(d) })),
        Signature: { Type: 2, Parameters: { CADESType: "BES" } },
      },
    });
    expect(res.data.Results).toHaveLength(2);
    for (const [i, s] of res.data.Results.entries()) {
      expect((await verifyCms(unb64(s), { content: docs[i]!, trusted: [ca] })).valid).toBe(true);
    }
  });

  it("hashDocument: the real digest (SHA-256 by default, SHA-1 on request)", async () => {
    const c = signClient(userToken);
    const data = Buffer.from("hash me");
    const sha256 = await sign.hashDocument(c, { body: { Content: b64(data) } });
    expect(sha256.data).toBe(createHash("sha256").update(data).digest("base64"));
    const sha1 = await sign.hashDocument(c, {
      body: { Content: b64(data), Signature: { Parameters: { HashAlgorithm: "SHA1" } } },
    });
    expect(sha1.data).toBe(createHash("sha1").update(data).digest("base64"));
  });

  it("encryptDocument, parseDecryptionCertificates and decryptDocument round-trip", async () => {
    const c = signClient(userToken);
    const mine = (await sign.getCertificate(c, { path: { key: defaultId } })).data;
    const enc = await sign.encryptDocument(c, {
      body: {
        Content: b64("секрет"),
        Encryption: { Type: 1, Parameters: {}, Certificates: [mine.CertificateBase64] },
      },
    });
    const ids = await sign.parseDecryptionCertificates(c, {
      body: { Content: enc.data, Decryption: { Type: 1, CertificateId: 0 } },
    });
    expect(ids.data).toEqual([defaultId]);
    const dec = await sign.decryptDocument(c, {
      body: { Content: enc.data, Decryption: { Type: "CMS", CertificateId: defaultId } },
    });
    expect(Buffer.from(dec.data, "base64").toString()).toBe("секрет");
  });

  it("enhanceSignature answers tsp_error: the emulator has no time-stamp service", async () => {
    const c = signClient(userToken);
    const s = await sign.signDocument(c, { body: { Content: b64("x"), Signature: { Type: 5 } } });
    const e = await failure(
      sign.enhanceSignature(c, {
        body: {
          Content: s.data,
          Signature: {
            Type: 2,
            Parameters: { CADESType: "XLT1", TSPAddress: "http://tsp.test/tsp.srf" },
          },
        },
      }),
    );
    expect(e.status).toBe(400);
    expect(e.body).toMatchObject({ Message: "tsp_error" });
  });

  it("createRequest at the auto CA: ACCEPTED with a certificate, listed, content, getRequest", async () => {
    const c = signClient(userToken);
    const r = await sign.createRequest(c, {
      body: { AuthorityId: "1", DistinguishedName: { "2.5.4.3": "demo-2", "2.5.4.10": "Test" } },
    });
    expect(r.data.Status).toBe("ACCEPTED");
    expect(r.data.DistName).toBe("CN=demo-2, O=Test");
    autoRequestCertId = r.data.CertificateID;
    expect(autoRequestCertId).toBeGreaterThan(0);
    const listed = await sign.listRequests(c);
    expect(listed.data.map((x) => x.ID)).toContain(r.data.ID);
    const got = await sign.getRequest(c, { path: { key: r.data.ID } });
    expect(got.data.Base64Request).toBe(r.data.Base64Request);
    const content = await sign.getRequestContent(c, {
      path: { key: r.data.ID },
      query: { format: 1, authorityId: 0 },
    });
    expect(content.data).toBe(r.data.Base64Request);
    const cert = await sign.getCertificate(c, { path: { key: autoRequestCertId } });
    expect(cert.data.DName).toBe("CN=demo-2, O=Test");
    expect(cert.data.IsDefault).toBe(false);
  });

  it("createRequest at the operator CA stays PENDING until setRequestStatus / setRequestStatusV1", async () => {
    const c = signClient(userToken);
    const op = signClient(operatorToken);
    const pending = await sign.createRequest(c, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "demo-3" }, PinCode: "" },
    });
    expect(pending.data.Status).toBe("PENDING");
    expect(pending.data.CertificateID).toBe(0);
    // Only an operator decides.
    const denied = await failure(
      sign.setRequestStatus(c, { path: { key: pending.data.ID }, body: { Value: 4, Type: 0 } }),
    );
    expect(denied.status).toBe(401);
    await sign.setRequestStatus(op, {
      path: { key: pending.data.ID },
      body: { Value: 4, Type: 0 },
    });
    const accepted = await sign.getRequest(c, { path: { key: pending.data.ID } });
    expect(accepted.data.Status).toBe("ACCEPTED");
    operatorCertId = accepted.data.CertificateID;
    expect(
      (await sign.getCertificate(c, { path: { key: operatorCertId } })).data.CertificateAuthorityID,
    ).toBe(2);

    const other = await sign.createRequest(c, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "demo-4" } },
    });
    await sign.setRequestStatusV1(op, {
      path: { key: other.data.ID },
      body: { Value: 8, ID: "-1", caID: 0, Type: 0 },
    });
    expect((await sign.getRequest(c, { path: { key: other.data.ID } })).data.Status).toBe(
      "REJECTED",
    );
  });

  it("installCertificate takes a certificate issued out of band for a pending request", async () => {
    const c = signClient(userToken);
    const pending = await sign.createRequest(c, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "demo-5" } },
    });
    const der = await dss.issueOutOfBandCertificate(pending.data.ID);
    const installed = await sign.installCertificate(c, { body: { certificate: b64(der) } });
    const list = Array.isArray(installed.data) ? installed.data : [installed.data];
    expect(list[0]?.DName).toBe("CN=demo-5");
    const request = await sign.getRequest(c, { path: { key: pending.data.ID } });
    expect(request.data.Status).toBe("ACCEPTED");
    expect(request.data.CertificateID).toBe(list[0]?.ID);
    // The server holds the request's key: the installed certificate signs.
    const s = await sign.signDocument(c, {
      body: { Content: b64("k"), Signature: { Type: 5, CertificateId: list[0]!.ID } },
    });
    expect(
      (await verifyCms(unb64(s.data), { content: Buffer.from("k"), trusted: [ca] })).valid,
    ).toBe(true);
  });

  it("setDefaultCertificate and setDefaultCertificateV1 move the default", async () => {
    const c = signClient(userToken);
    await sign.setDefaultCertificate(c, {
      path: { key: autoRequestCertId },
      body: { Default: true },
    });
    let list = (await sign.listCertificates(c)).data;
    expect(list.filter((x) => x.IsDefault).map((x) => x.ID)).toEqual([autoRequestCertId]);
    await sign.setDefaultCertificateV1(c, { path: { key: defaultId }, body: { Default: true } });
    list = (await sign.listCertificates(c)).data;
    expect(list.filter((x) => x.IsDefault).map((x) => x.ID)).toEqual([defaultId]);
  });

  it("setCertificateFriendlyName and setCertificateFriendlyNameV1 name certificates", async () => {
    const c = signClient(userToken);
    await sign.setCertificateFriendlyName(c, {
      path: { key: defaultId },
      body: { FriendlyName: "Основной" },
    });
    await sign.setCertificateFriendlyNameV1(c, {
      path: { key: autoRequestCertId },
      body: { FriendlyName: "Второй" },
    });
    expect((await sign.getCertificate(c, { path: { key: defaultId } })).data.FriendlyName).toBe(
      "Основной",
    );
    expect(
      (await sign.getCertificate(c, { path: { key: autoRequestCertId } })).data.FriendlyName,
    ).toBe("Второй");
  });

  it("changeCertificatePin: the new PIN guards the key", async () => {
    const c = signClient(userToken);
    await sign.changeCertificatePin(c, {
      path: { key: autoRequestCertId },
      body: { Pin: "", NewPin: "1234" },
    });
    expect((await sign.getCertificate(c, { path: { key: autoRequestCertId } })).data.HasPin).toBe(
      true,
    );
    const body = (PinCode: string) => ({
      body: {
        Content: b64("p"),
        Signature: { Type: 5 as const, CertificateId: autoRequestCertId, PinCode },
      },
    });
    expect((await failure(sign.signDocument(c, body("0000")))).body).toMatchObject({
      Message: "invalid_pin",
    });
    expect((await sign.signDocument(c, body("1234"))).status).toBe(200);
  });

  it("setCertificateStatus holds and setCertificateStatusV1 unholds (auto CA); revoke requests are listed", async () => {
    const c = signClient(userToken);
    await sign.setCertificateStatus(c, {
      path: { key: autoRequestCertId },
      body: {
        Value: 3,
        RevocationInfo: { RevocationReason: 6, UnholdDate: "2030-01-01T00:00:00" },
      },
    });
    expect(
      (await sign.getCertificate(c, { path: { key: autoRequestCertId } })).data.Status.Value,
    ).toBe(3);
    await sign.setCertificateStatusV1(c, { path: { key: autoRequestCertId }, body: { Value: 1 } });
    expect(
      (await sign.getCertificate(c, { path: { key: autoRequestCertId } })).data.Status.Value,
    ).toBe(1);
    const revs = await sign.listCertificateRevokeRequests(c, { path: { key: autoRequestCertId } });
    expect(revs.data.map((r) => [r.Status, r.RevInfo.RevocationReason])).toEqual([
      ["ACCEPTED", "CRL_REASON_CERTIFICATE_HOLD"],
      ["ACCEPTED", "CRL_REASON_REMOVE_FROM_CRL"],
    ]);
  });

  it("a revocation at the operator CA: getRevokeRequestContent, setRevokeRequestStatus(V1)", async () => {
    const c = signClient(userToken);
    const op = signClient(operatorToken);
    await sign.setCertificateStatusV1(c, {
      path: { key: operatorCertId },
      body: { Value: 2, RevocationInfo: { RevocationReason: 1, RevocationComments: "Comment" } },
    });
    const [rev] = (await sign.listCertificateRevokeRequests(c, { path: { key: operatorCertId } }))
      .data;
    expect(rev?.Status).toBe("PENDING");
    // The revocation request is a CMS signed with the certificate's own key.
    const content = await sign.getRevokeRequestContent(c, {
      path: { key: rev!.ID },
      query: { format: 1, authorityId: 2 },
    });
    const verified = await verifyCms(unb64(content.data), { trusted: [ca] });
    expect(verified.valid).toBe(true);
    expect(describeCertificate(verified.signerCertificate!).subject).toBe("CN=demo-3");
    expect(
      (await sign.getCertificate(c, { path: { key: operatorCertId } })).data.Status.Value,
    ).toBe(1);
    await sign.setRevokeRequestStatus(op, {
      path: { key: rev!.ID },
      body: { Value: 4, Type: 0, caID: 2 },
    });
    const revoked = (await sign.getCertificate(c, { path: { key: operatorCertId } })).data.Status;
    expect(revoked.Value).toBe(2);
    expect(revoked.RevocationInfo?.RevocationReason).toBe("CRL_REASON_KEY_COMPROMISE");

    // Another request at the operator CA, rejected with the v1 form: the certificate stays active.
    const r = await sign.createRequest(c, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "demo-6" } },
    });
    await sign.setRequestStatus(op, {
      path: { key: r.data.ID },
      body: { Value: "ACCEPTED", Type: "Certificate" },
    });
    const certId = (await sign.getRequest(c, { path: { key: r.data.ID } })).data.CertificateID;
    await sign.setCertificateStatus(c, {
      path: { key: certId },
      body: { Value: 3, RevocationInfo: { RevocationReason: "CRL_REASON_CERTIFICATE_HOLD" } },
    });
    const [hold] = (await sign.listCertificateRevokeRequests(c, { path: { key: certId } })).data;
    await sign.setRevokeRequestStatusV1(op, {
      path: { key: hold!.ID },
      body: { Value: 8, ID: "-1", caID: 2, Type: 0 },
    });
    expect(
      (await sign.listCertificateRevokeRequests(c, { path: { key: certId } })).data[0]?.Status,
    ).toBe("REJECTED");
    expect((await sign.getCertificate(c, { path: { key: certId } })).data.Status.Value).toBe(1);
  });

  it("deleteRequest and deleteCertificate: gone afterwards (404)", async () => {
    const c = signClient(userToken);
    const r = await sign.createRequest(c, {
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "gone" } },
    });
    await sign.deleteRequest(c, { path: { key: r.data.ID } });
    expect((await failure(sign.getRequest(c, { path: { key: r.data.ID } }))).status).toBe(404);
    await sign.deleteCertificate(c, { path: { key: autoRequestCertId } });
    const e = await failure(sign.getCertificate(c, { path: { key: autoRequestCertId } }));
    expect(e.status).toBe(404);
    expect(e.body).toMatchObject({ Message: "Cертификат с указанным ID не найден" });
  });

  it("createTransaction + confirm (one-time password) gives a token that signs the held document", async () => {
    const c = signClient(userToken);
    const document = new TextEncoder().encode("подтверждаемый документ");
    const tx = await sign.createTransaction(c, {
      body: {
        OperationCode: "SignDocument",
        Parameters: [
          { Name: "SignatureType", Value: "CMS" },
          { Name: "CertificateID", Value: String(defaultId) },
          { Name: "DocumentInfo", Value: "Sigma" },
        ],
        Document: b64(document),
      },
    });
    expect(tx.data).toMatch(/^[0-9a-f-]{36}$/);
    const confirmClient = sts.createDssStsClient({
      baseUrl: `${server.url}/STS`,
      auth: bearerAuth(userToken),
      validation: "strict",
    });
    const first = await sts.confirm(confirmClient, {
      body: { Resource: `${server.url}/SignServer/rest`, TransactionTokenId: tx.data },
    });
    expect(first.data).toMatchObject({ IsFinal: false, IsError: false });
    const challenge = first.data.Challenge!.TextChallenge[0]!;
    expect(challenge.Label).toBe(
      `Подпись документа. Sigma. Тип подписи: CMS. Сертификат: ${defaultId}.`,
    );
    const last = await sts.confirm(confirmClient, {
      body: {
        Resource: `${server.url}/SignServer/rest`,
        ChallengeResponse: { TextChallengeResponse: [{ RefId: challenge.RefID, Value: "123456" }] },
      },
    });
    expect(last.data).toMatchObject({ IsFinal: true, IsError: false });
    const signed = await sign.signDocument(signClient(last.data.AccessToken!), { body: {} });
    const v = await verifyCms(unb64(signed.data), { content: document, trusted: [ca] });
    expect(v.valid).toBe(true);
  });

  it("called every operation of the Signature Service, and the emulator's answers kept the contract", () => {
    expect([...called].sort()).toEqual(signOperations.map((o) => o.operationId).sort());
    expect(issues).toEqual([]);
  });
});

describe("the emulator's CA", () => {
  it("is a CA certificate the signatures chain to", () => {
    expect(describeCertificate(ca).subject).toBe("CN=trustspec DSS emulator test CA");
  });
});
