import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCa, issueCertificate } from "../src/cms/index.js";
import {
  type Answer,
  b64,
  call,
  passwordToken,
  type Running,
  start,
  subjectJwt,
} from "./emulator-support.js";

/**
 * Bad input gets the documented identifiers with the documented statuses, in each service's own
 * error format; secrets never come back.
 */

const SECRET_PASSWORD = "Pa55-w0rd-S3CRET";
let run: Running;
let token: string;
let operatorToken: string;
let certId: number;
const log: string[] = [];
const answers: Answer[] = [];

const sts = (path: string) => `${run.url}/STS${path}`;
const api = (path: string) => `${run.url}/SignServer/rest/api${path}`;
async function keep(p: Promise<Answer>): Promise<Answer> {
  const a = await p;
  answers.push(a);
  return a;
}

beforeAll(async () => {
  run = await start({
    users: [
      { login: "ivan", password: SECRET_PASSWORD },
      { login: "petr", password: "petr" },
      { login: "op", password: "op", role: "operator" },
    ],
    clients: [{ id: "dss.sample" }, { id: "wpf.hybrid", secret: "client-secret-42" }],
    log: (line) => log.push(line),
  });
  token = await passwordToken(run.url, "ivan", SECRET_PASSWORD);
  operatorToken = await passwordToken(run.url, "op");
  certId = run.dss.state.certificatesOf("ivan")[0]!.id;
});

afterAll(async () => {
  await run?.close();
});

describe("token endpoint (RFC 6749 §5.2)", () => {
  const form = (f: Record<string, string>, headers?: Record<string, string>) =>
    keep(call(sts("/oauth/token"), "POST", { form: f, ...(headers ? { headers } : {}) }));

  it("an unknown grant_type: 400 unsupported_grant_type", async () => {
    const a = await form({ grant_type: "client_credentials", client_id: "dss.sample" });
    expect(a.status).toBe(400);
    expect(a.json).toEqual({
      error: "unsupported_grant_type",
      error_description: expect.any(String),
    });
  });

  it("no grant_type, or a grant without its fields: 400 invalid_request", async () => {
    expect((await form({ client_id: "dss.sample" })).json.error).toBe("invalid_request");
    const a = await form({ grant_type: "password", username: "ivan", client_id: "dss.sample" });
    expect([a.status, a.json.error]).toEqual([400, "invalid_request"]);
  });

  it("a wrong password: 400 invalid_grant, the password not echoed", async () => {
    const a = await form({
      grant_type: "password",
      username: "ivan",
      password: `${SECRET_PASSWORD}x`,
      client_id: "dss.sample",
    });
    expect([a.status, a.json.error]).toEqual([400, "invalid_grant"]);
    expect(a.text).not.toContain(SECRET_PASSWORD);
  });

  it("an unknown client or a wrong secret: 401 invalid_client with a Basic challenge", async () => {
    const unknown = await form({
      grant_type: "password",
      username: "ivan",
      password: "x",
      client_id: "nope",
    });
    expect([unknown.status, unknown.json.error]).toEqual([401, "invalid_client"]);
    expect(unknown.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrong = await form(
      { grant_type: "password", username: "petr", password: "petr" },
      { authorization: `Basic ${b64("wpf.hybrid:guess")}` },
    );
    expect([wrong.status, wrong.json.error]).toEqual([401, "invalid_client"]);
    expect(wrong.text).not.toContain("guess");
    // A confidential client must authenticate; naming itself is not enough.
    const named = await form({
      grant_type: "password",
      username: "petr",
      password: "petr",
      client_id: "wpf.hybrid",
    });
    expect(named.status).toBe(401);
    const right = await form(
      { grant_type: "password", username: "petr", password: "petr" },
      { authorization: `Basic ${b64("wpf.hybrid:client-secret-42")}` },
    );
    expect(right.status).toBe(200);
  });

  it("a public client with `client_id:` in HTTP Basic (guide, lines 12671-12681)", async () => {
    const a = await form(
      { grant_type: "password", username: "petr", password: "petr" },
      { authorization: `Basic ${b64("dss.sample:")}` },
    );
    expect(a.status).toBe(200);
  });

  it("a scope without dss: 400 invalid_scope", async () => {
    const a = await form({
      grant_type: "password",
      username: "petr",
      password: "petr",
      client_id: "dss.sample",
      scope: "openid",
    });
    expect([a.status, a.json.error]).toEqual([400, "invalid_scope"]);
  });

  it("an unknown authorization code: 400 invalid_grant", async () => {
    const a = await form({
      grant_type: "authorization_code",
      code: "c0ffee",
      redirect_uri: "urn:x",
      client_id: "dss.sample",
    });
    expect([a.status, a.json.error]).toEqual([400, "invalid_grant"]);
  });

  it("token exchange: bad actors and bad subject tokens are invalid_grant", async () => {
    const now = Math.floor(Date.now() / 1000);
    const exchange = (actor: string, subject: string) =>
      form({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        actor_token: actor,
        actor_token_type: "urn:ietf:params:oauth:token-type:jwt",
        subject_token: subject,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        client_id: "dss.sample",
      });
    const good = subjectJwt({ unique_name: "petr", nbf: now, exp: now + 600, iat: now });
    expect((await exchange(operatorToken, good)).status).toBe(200);
    const cases: [string, string, RegExp][] = [
      [token, good, /operator/],
      ["not-a-token", good, /actor_token/],
      [
        operatorToken,
        subjectJwt({ unique_name: "petr", nbf: now - 7200, exp: now - 3600, iat: now - 7200 }),
        /expired/,
      ],
      [
        operatorToken,
        subjectJwt({ unique_name: "petr", nbf: now + 3600, exp: now + 7200, iat: now }),
        /not valid yet/,
      ],
      [
        operatorToken,
        subjectJwt({ unique_name: "petr", nbf: now, exp: now + 600 }, { alg: "HS256" }),
        /alg/,
      ],
      [operatorToken, subjectJwt({ unique_name: "nobody", nbf: now, exp: now + 600 }), /no user/],
    ];
    for (const [actor, subject, why] of cases) {
      const a = await exchange(actor, subject);
      expect([a.status, a.json.error], subject).toEqual([400, "invalid_grant"]);
      expect(a.json.error_description).toMatch(why);
      expect(a.text).not.toContain(actor);
    }
    // Without the mandatory trailing dot the token breaks the contract (guide, lines 12821-12823).
    const undotted = await exchange(operatorToken, good.slice(0, -1));
    expect([undotted.status, undotted.json.error]).toEqual([400, "invalid_request"]);
  });
});

describe("authorize endpoint", () => {
  const authorize = (query: Record<string, string>, basic?: string) =>
    keep(
      call(`${sts("/oauth/authorize")}?${new URLSearchParams(query)}`, "GET", {
        ...(basic ? { headers: { authorization: `Basic ${b64(basic)}` } } : {}),
      }),
    );
  const q = {
    client_id: "dss.sample",
    response_type: "code",
    scope: "dss",
    redirect_uri: "https://app.test/cb",
  };

  it("asks for the user's credentials with a Basic challenge (there is no login page)", async () => {
    const a = await authorize(q);
    expect(a.status).toBe(401);
    expect(a.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    expect((await authorize(q, `ivan:${SECRET_PASSWORD}-wrong`)).status).toBe(401);
  });

  it("an unknown client is refused without a redirect (RFC 6749 §4.1.2.1): 400 invalid_client", async () => {
    const a = await authorize({ ...q, client_id: "nope" }, `ivan:${SECRET_PASSWORD}`);
    expect([a.status, a.json.error]).toEqual([400, "invalid_client"]);
    expect(a.headers.get("location")).toBeNull();
    expect(a.text).not.toContain(SECRET_PASSWORD);
  });

  it("a request error goes back to the redirect_uri before the user is asked to sign in", async () => {
    const a = await authorize({ ...q, response_type: "id_token", state: "s2" });
    expect(a.status).toBe(302);
    const location = new URL(a.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(q.redirect_uri);
    expect(location.searchParams.get("error")).toBe("unsupported_response_type");
    expect(location.searchParams.get("state")).toBe("s2");
    expect(a.headers.get("www-authenticate")).toBeNull();
  });

  it("a scope without dss goes back to the redirect_uri with error=invalid_scope", async () => {
    const a = await authorize({ ...q, scope: "openid", state: "s1" }, `ivan:${SECRET_PASSWORD}`);
    expect(a.status).toBe(302);
    const location = new URL(a.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("state")).toBe("s1");
  });

  it("a code bound to a PKCE challenge needs the matching verifier", async () => {
    const verifier = "v".repeat(50);
    const challenge = Buffer.from(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
    ).toString("base64url");
    const go = async () => {
      const a = await authorize(
        { ...q, code_challenge: challenge, code_challenge_method: "S256" },
        `ivan:${SECRET_PASSWORD}`,
      );
      return new URL(a.headers.get("location")!).searchParams.get("code")!;
    };
    const exchange = (code: string, extra: Record<string, string>) =>
      keep(
        call(sts("/oauth/token"), "POST", {
          form: {
            grant_type: "authorization_code",
            code,
            redirect_uri: q.redirect_uri,
            client_id: "dss.sample",
            ...extra,
          },
        }),
      );
    expect((await exchange(await go(), { code_verifier: "w".repeat(50) })).json.error).toBe(
      "invalid_grant",
    );
    expect((await exchange(await go(), {})).json.error).toBe("invalid_grant");
    expect((await exchange(await go(), { redirect_uri: "https://other.test/" })).json.error).toBe(
      "invalid_grant",
    );
    expect((await exchange(await go(), { code_verifier: verifier })).status).toBe(200);
  });
});

describe("Signature Service errors ({Message} bodies)", () => {
  it("no token, an unknown token, an expired token: 401 with the documented text", async () => {
    for (const t of [undefined, "made-up-token-value"]) {
      const a = await keep(call(api("/certificates"), "GET", t ? { token: t } : {}));
      expect(a.status).toBe(401);
      expect(a.json.Message).toBe("Authorization has been denied for this request.");
      expect(a.headers.get("www-authenticate")).toBe("Bearer");
      expect(a.text).not.toContain("made-up-token-value");
    }
    const short = await passwordToken(run.url, "petr");
    expect((await call(api("/certificates"), "GET", { token: short })).status).toBe(200);
    run.advance(301);
    try {
      const a = await keep(call(api("/certificates"), "GET", { token: short }));
      expect([a.status, a.json.Message]).toEqual([
        401,
        "Authorization has been denied for this request.",
      ]);
      expect(a.json.MessageDetail).toMatch(/expired/);
    } finally {
      run.advance(-301);
    }
  });

  it("an unknown certificate id: 404 with the v1 doc's text", async () => {
    for (const [method, path, body] of [
      ["GET", "/certificates/999999", undefined],
      ["DELETE", "/certificates/999999", undefined],
      ["GET", "/certificates/999999/content?format=1", undefined],
      ["PATCH", "/certificates/999999/friendlyName", { FriendlyName: "x" }],
      ["POST", "/certificates/999999/default", { Default: true }],
    ] as const) {
      const a = await keep(call(api(path), method, { token, ...(body ? { body } : {}) }));
      expect([a.status, a.json.Message], path).toEqual([
        404,
        "Cертификат с указанным ID не найден",
      ]);
    }
    // Another user's certificate is as unknown as a missing one.
    const petr = await passwordToken(run.url, "petr");
    expect((await call(api(`/certificates/${certId}`), "GET", { token: petr })).status).toBe(404);
  });

  it("malformed JSON and a body that breaks the contract: 400 invalid_parameters", async () => {
    const bad = await keep(call(api("/documents"), "POST", { token, raw: '{"Content": "AQI=",' }));
    expect([bad.status, bad.json.Message]).toEqual([400, "invalid_parameters"]);
    expect(bad.json.MessageDetail).toMatch(/JSON/);
    const wrong = await keep(
      call(api("/certificates/1/default"), "PATCH", { token, body: { Default: "yes" } }),
    );
    expect([wrong.status, wrong.json.Message]).toEqual([400, "invalid_parameters"]);
  });

  it("unknown paths answer 404 and wrong methods 405, in the same format", async () => {
    const notFound = { Message: "No HTTP resource was found that matches the request URI." };
    const a = await keep(call(api("/nothing/here"), "GET", { token }));
    expect([a.status, a.json]).toEqual([404, notFound]);
    const outside = await keep(call(`${run.url}/Elsewhere`, "GET"));
    expect([outside.status, outside.json]).toEqual([404, notFound]);
    const sts404 = await keep(call(sts("/oauth/nothing"), "GET"));
    expect([sts404.status, sts404.json.error]).toEqual([404, "not_found"]);
    const method = await keep(call(api("/policy"), "DELETE", { token }));
    expect(method.status).toBe(405);
    expect(method.headers.get("allow")).toBe("GET");
  });

  it("friendly names: longer than 255 and duplicate are refused", async () => {
    const long = await keep(
      call(api(`/certificates/${certId}/friendlyname`), "POST", {
        token,
        body: { FriendlyName: "я".repeat(256) },
      }),
    );
    expect([long.status, long.json.Message]).toEqual([400, "invalid_frinendly_name_length"]);
    const ok = await call(api(`/certificates/${certId}/friendlyName`), "PATCH", {
      token,
      body: { FriendlyName: "я".repeat(255) },
    });
    expect(ok.status).toBe(200);
    const r = await call(api("/requests"), "POST", {
      token,
      body: { AuthorityId: 1, DistinguishedName: { "2.5.4.3": "second" } },
    });
    const second = r.json.CertificateID as number;
    const dup = await keep(
      call(api(`/certificates/${second}/friendlyName`), "PATCH", {
        token,
        body: { FriendlyName: "я".repeat(255) },
      }),
    );
    expect([dup.status, dup.json.Message]).toEqual([400, "duplicate_friendly_name"]);
  });

  it("documents: content_required, invalid_content, parameters_required, invalid_recipients", async () => {
    const sign = (body: unknown) => keep(call(api("/documents"), "POST", { token, body }));
    expect((await sign({ Signature: { Type: 5 } })).json.Message).toBe("content_required");
    expect((await sign({ Content: "not base64!", Signature: { Type: 5 } })).json.Message).toBe(
      "invalid_content",
    );
    const gost = await sign({ Content: "AQI=", Signature: { Type: 1 } });
    expect([gost.status, gost.json.Message]).toEqual([400, "invalid_signature_params"]);
    const xlt = await sign({
      Content: "AQI=",
      Signature: { Type: 2, Parameters: { CADESType: "XLT1" } },
    });
    expect(xlt.json.Message).toBe("tsp_error");
    const enc = (body: unknown) => keep(call(api("/documents/encrypt"), "POST", { token, body }));
    expect((await enc({ Content: "AQI=" })).json.Message).toBe("parameters_required");
    const noRecipients = await enc({ Content: "AQI=", Encryption: { Type: 1, Certificates: [] } });
    expect([noRecipients.status, noRecipients.json.Message]).toEqual([400, "invalid_recipients"]);
    expect(
      (await enc({ Content: "AQI=", Encryption: { Type: 1, Certificates: ["AQI="] } })).json
        .Message,
    ).toBe("invalid_recipients");
    const parse = await keep(
      call(api("/documents/decrypt/parse"), "POST", {
        token,
        body: { Content: "AQI=", Decryption: { Type: 1 } },
      }),
    );
    expect(parse.json.Message).toBe("invalid_content");
  });

  it("a document encrypted for someone else: certificate_not_found", async () => {
    const other = await createTestCa({ commonName: "Other", algorithm: "ECDSA" });
    const enc = await call(api("/documents/encrypt"), "POST", {
      token,
      body: { Content: "AQI=", Encryption: { Type: 1, Certificates: [b64(other.certificate)] } },
    });
    expect(enc.status).toBe(200);
    const a = await keep(
      call(api("/documents/decrypt/parse"), "POST", {
        token,
        body: { Content: JSON.parse(enc.text) as string, Decryption: { Type: 1 } },
      }),
    );
    expect([a.status, a.json.Message]).toEqual([400, "certificate_not_found"]);
  });

  it("hashDocument: GOST is refused (the emulator has no GOST), unknown algorithms too", async () => {
    const hash = (alg: string) =>
      keep(
        call(api("/documents/hash"), "POST", {
          token,
          body: { Content: "AQI=", Signature: { Parameters: { HashAlgorithm: alg } } },
        }),
      );
    for (const alg of ["GOST R 34.11-2012 256", "1.2.643.7.1.1.2.2", "MD5"]) {
      const a = await hash(alg);
      expect([a.status, a.json.Message], alg).toEqual([400, "invalid_signature_params"]);
    }
  });

  it("a wrong PIN: invalid_pin, and the PIN is not echoed", async () => {
    await call(api(`/certificates/${certId}/pin`), "PATCH", {
      token,
      body: { Pin: "", NewPin: "4711-secret" },
    });
    const a = await keep(
      call(api("/documents"), "POST", {
        token,
        body: {
          Content: "AQI=",
          Signature: { Type: 5, CertificateId: certId, PinCode: "0815-guess" },
        },
      }),
    );
    expect([a.status, a.json.Message]).toEqual([400, "invalid_pin"]);
    expect(a.text).not.toMatch(/4711|0815/);
    const pin = await keep(
      call(api(`/certificates/${certId}/pin`), "PATCH", {
        token,
        body: { Pin: "0815-guess", NewPin: "1" },
      }),
    );
    expect(pin.json.Message).toBe("invalid_pin");
    await call(api(`/certificates/${certId}/pin`), "PATCH", {
      token,
      body: { Pin: "4711-secret", NewPin: "" },
    });
  });

  it("status changes: invalid_parameters, and a second revocation is invalid_certificate_status", async () => {
    const r = await call(api("/requests"), "POST", {
      token,
      body: { AuthorityId: "1", DistinguishedName: { "2.5.4.3": "to-revoke" } },
    });
    const id = r.json.CertificateID as number;
    const status = (body: unknown) =>
      keep(call(api(`/certificates/${id}/status`), "PATCH", { token, body }));
    expect((await status({ Value: 2 })).json.Message).toBe("invalid_parameters");
    expect((await status({ Value: 3, RevocationInfo: { RevocationReason: 1 } })).json.Message).toBe(
      "invalid_parameters",
    );
    expect(
      (
        await status({
          Value: 2,
          RevocationInfo: { RevocationReason: 1, RevocationDate: "2018-13-45T99:99" },
        })
      ).json.Message,
    ).toBe("invalid_parameters");
    expect((await status({ Value: 1 })).json.Message).toBe("invalid_certificate_status");
    expect(
      (
        await status({
          Value: 2,
          RevocationInfo: { RevocationReason: 1, RevocationDate: "2018-10-05T12:58" },
        })
      ).status,
    ).toBe(200);
    const again = await status({ Value: 2, RevocationInfo: { RevocationReason: 1 } });
    expect([again.status, again.json.Message]).toEqual([400, "invalid_certificate_status"]);
    // A revoked certificate signs nothing.
    const sign = await call(api("/documents"), "POST", {
      token,
      body: { Content: "AQI=", Signature: { Type: 5, CertificateId: id } },
    });
    expect(sign.json.Message).toBe("invalid_certificate");
  });

  it("requests: invalid_enroll, invalid_parameters, operator-only decisions, deleteRequest of nothing is 200", async () => {
    const create = (body: unknown) => keep(call(api("/requests"), "POST", { token, body }));
    expect(
      (await create({ AuthorityId: 9, DistinguishedName: { "2.5.4.3": "x" } })).json.Message,
    ).toBe("invalid_enroll");
    expect(
      (await create({ AuthorityId: 1, DistinguishedName: { "2.5.4.10": "no CN" } })).json.Message,
    ).toBe("invalid_parameters");
    expect((await create({ AuthorityId: 1, DistinguishedName: { CN: "x" } })).json.Message).toBe(
      "invalid_parameters",
    );
    const pending = await create({ AuthorityId: 2, DistinguishedName: { "2.5.4.3": "pending" } });
    const id = pending.json.ID as number;
    const decide = (t: string, body: unknown) =>
      keep(call(api(`/requests/${id}/status`), "PATCH", { token: t, body }));
    expect((await decide(token, { Value: 4, Type: 0 })).status).toBe(401);
    expect((await decide(operatorToken, { Value: 2, Type: 0 })).json.Message).toBe(
      "invalid_parameters",
    );
    expect((await decide(operatorToken, { Value: 4, Type: 1 })).json.Message).toBe(
      "invalid_parameters",
    );
    expect((await decide(operatorToken, { Value: 8, Type: 0 })).status).toBe(200);
    expect((await decide(operatorToken, { Value: 4, Type: 0 })).json.Message).toBe(
      "invalid_request_status",
    );
    const missing = await keep(
      call(api("/requests/424242/status"), "PATCH", {
        token: operatorToken,
        body: { Value: 4, Type: 0 },
      }),
    );
    expect([missing.status, missing.json.Message]).toEqual([
      404,
      "Запрос на сертификат с указанным ID не найден",
    ]);
    expect((await call(api("/requests/424242"), "DELETE", { token })).status).toBe(200);
  });

  it("revocation requests: invalid_rev_request, invalid_enroll", async () => {
    const r = await call(api("/requests"), "POST", {
      token,
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "rev" } },
    });
    await call(api(`/requests/${r.json.ID}/status`), "POST", {
      token: operatorToken,
      body: { Value: 4, Type: 0 },
    });
    const cert = (await call(api(`/requests/${r.json.ID}`), "GET", { token })).json
      .CertificateID as number;
    await call(api(`/certificates/${cert}/status`), "POST", {
      token,
      body: { Value: 2, RevocationInfo: { RevocationReason: 4 } },
    });
    const list = await call(api(`/certificates/${cert}/revokerequests`), "GET", { token });
    const revId = (list.json as unknown as { ID: string }[])[0]!.ID;
    const decide = (key: string, body: unknown) =>
      keep(
        call(api(`/requests/revokerequests/${key}/status`), "PATCH", {
          token: operatorToken,
          body,
        }),
      );
    expect(
      (await decide("6a5c8b4a-52c6-e811-80db-00155d454d12", { Value: 4, Type: 0, caID: 2 })).json
        .Message,
    ).toBe("invalid_rev_request");
    expect((await decide(revId, { Value: 4, Type: 0, caID: 6 })).json.Message).toBe(
      "invalid_enroll",
    );
    // While a request is pending, another status change is refused.
    const second = await keep(
      call(api(`/certificates/${cert}/status`), "PATCH", {
        token,
        body: { Value: 3, RevocationInfo: { RevocationReason: 6 } },
      }),
    );
    expect(second.json.Message).toBe("invalid_certificate_status");
    const content = await keep(
      call(api(`/requests/revokerequests/${revId}/content?format=1&authorityId=9`), "GET", {
        token,
      }),
    );
    expect(content.status).toBe(404);
  });

  it("installCertificate: invalid_certificate_format, appropriate_enroll_not_found, request_not_found, invalid_request_status", async () => {
    const install = (certificate: string) =>
      keep(call(api("/certificates"), "POST", { token, body: { certificate } }));
    expect((await install("AQID")).json.Message).toBe("invalid_certificate_format");
    expect((await install("%%%")).json.Message).toBe("invalid_certificate_format");
    const foreign = await createTestCa({ commonName: "Foreign CA", algorithm: "ECDSA" });
    const stranger = await issueCertificate(foreign, { subject: "CN=x", algorithm: "ECDSA" });
    expect((await install(b64(stranger.certificate))).json.Message).toBe(
      "appropriate_enroll_not_found",
    );
    const own = run.dss.state.certificates.get(certId)!;
    expect((await install(b64(own.der))).json.Message).toBe("request_not_found");
    const pending = await call(api("/requests"), "POST", {
      token,
      body: { AuthorityId: 2, DistinguishedName: { "2.5.4.3": "oob" } },
    });
    const der = await run.dss.issueOutOfBandCertificate(pending.json.ID as number);
    expect((await install(b64(der))).status).toBe(200);
    const twice = await install(b64(der));
    expect([twice.status, twice.json.Message]).toEqual([400, "invalid_request_status"]);
  });

  it("createTransaction: Issue and unknown certificates are invalid_parameters", async () => {
    const tx = (body: unknown) => keep(call(api("/transactions"), "POST", { token, body }));
    expect((await tx({ OperationCode: "Issue" })).json.Message).toBe("invalid_parameters");
    expect(
      (
        await tx({
          OperationCode: "SignDocument",
          Parameters: [{ Name: "CertificateID", Value: "999999" }],
        })
      ).json.Message,
    ).toBe("invalid_parameters");
    expect(
      (await tx({ OperationCode: 2, Parameters: [{ Name: "SignatureType", Value: "Quantum" }] }))
        .json.Message,
    ).toBe("invalid_parameters");
    const ok = await tx({ OperationCode: 2, Parameters: [{ Name: "SignatureType", Value: "5" }] });
    expect(ok.status).toBe(200);
  });

  it("junk of every kind is answered (4xx), never with a crash", async () => {
    const paths = [
      "/documents",
      "/requests",
      "/certificates",
      "/transactions",
      "/documents/packagesignature",
    ];
    const bodies = ['""', "[]", "null", "1e999", '{"Content":{}}', '{"Documents":[{}]}', "\u0000"];
    for (const p of paths) {
      for (const raw of bodies) {
        const a = await keep(call(api(p), "POST", { token, raw }));
        expect(a.status, `${p} ${raw}`).toBeGreaterThanOrEqual(400);
        expect(a.status, `${p} ${raw}`).toBeLessThan(500);
      }
    }
    const big = await call(api("/documents"), "POST", {
      token,
      raw: JSON.stringify({ Content: "A".repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
  });
});

describe("in process", () => {
  it("fetch and handle answer without a listener", async () => {
    const refused = await run.dss.fetch(new Request("http://dss.test/SignServer/rest/api/policy"));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      Message: "Authorization has been denied for this request.",
    });
    const answer = await run.dss.handle({
      method: "GET",
      url: "/SignServer/rest/api/policy",
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array(0),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(answer.body)).PinCodeMode).toBe(2);
  });
});

describe("secrets", () => {
  it("no answer and no log line carries a password, a token, a PIN or a one-time password", () => {
    const secrets = [
      SECRET_PASSWORD,
      "client-secret-42",
      "4711-secret",
      "0815-guess",
      token,
      operatorToken,
    ];
    expect(answers.length).toBeGreaterThan(50);
    for (const a of answers) for (const s of secrets) expect(a.text).not.toContain(s);
    for (const line of log) for (const s of secrets) expect(line).not.toContain(s);
  });
});
