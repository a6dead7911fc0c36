/**
 * The public Sign Service client's settings: endpoint addresses of the service (guide ch. 2) and
 * of the identity centre (Table 96), which endpoint kinds it runs, the token it needs, and that
 * an answer the client's message security refuses rejects as WsSecurityError quoting no secret.
 */
import { listen } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDssSignServiceServer,
  type SignServiceToken,
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
  transportBindingEndpointSecurity,
} from "../src/server.js";
import {
  ConfigurationError,
  createSignServiceClient,
  DSS_CLAIMS,
  getCertificates,
  SIGN_SERVICE_ENDPOINT_KINDS,
  STS_ENDPOINT_KINDS,
  signDocument,
  signServiceEndpoint,
  signServiceEndpointKind,
  stsEndpoint,
  WsSecurityError,
} from "../src/soap.js";
import { signedSamlAssertion } from "../src/wssecurity/index.js";
import { currentToken } from "./soap-support.js";
import { ISSUER, makeIssuer, newProofKey } from "./wssecurity-support.js";

describe("endpoint addresses", () => {
  it("makes the eight Sign Service endpoints from a host or the service's address", () => {
    expect(signServiceEndpoint("https://dss.example")).toBe(
      "https://dss.example/SignServer/SignService.svc/token/transport/nosc",
    );
    expect(signServiceEndpoint("https://dss.example/prefix/", "token/nosc")).toBe(
      "https://dss.example/prefix/SignServer/SignService.svc/token/nosc",
    );
    expect(
      signServiceEndpoint("http://h/SignServer/SignService.svc/", "federation/transport"),
    ).toBe("http://h/SignServer/SignService.svc/federation/transport");
    for (const kind of SIGN_SERVICE_ENDPOINT_KINDS) {
      expect(signServiceEndpointKind(signServiceEndpoint("https://h", kind))).toBe(kind);
    }
    expect(signServiceEndpointKind("https://h/SignServer/SignService.svc/other")).toBeUndefined();
    expect(() => signServiceEndpoint("https://h", "token/x" as never)).toThrow(RangeError);
  });

  it("makes the identity centre's endpoints of Table 96", () => {
    expect(STS_ENDPOINT_KINDS.map((k) => stsEndpoint("https://dss.example", k))).toEqual([
      "https://dss.example/STS/Active.svc",
      "https://dss.example/STS/Active.svc/username/transport",
      "https://dss.example/STS/Active.svc/issuedtoken",
      "https://dss.example/STS/Active.svc/issuedtoken/transport",
      "https://dss.example/STS/Active.svc/cert",
    ]);
    expect(stsEndpoint("https://h/STS/Active.svc/", "cert")).toBe("https://h/STS/Active.svc/cert");
    expect(() => stsEndpoint("https://h", "password" as never)).toThrow(RangeError);
  });
});

describe("createSignServiceClient settings", () => {
  const token = { tokenXml: "<x/>", proofKey: Buffer.alloc(32, 1).toString("base64") };

  it("needs an address and a token source; takes every endpoint kind", () => {
    expect(() => createSignServiceClient({ token })).toThrow(ConfigurationError);
    expect(() => createSignServiceClient({ baseUrl: "https://h" })).toThrow(ConfigurationError);
    // Every endpoint kind is implemented, the secure-session ones included.
    for (const endpoint of [
      "token",
      "token/transport",
      "federation",
      "federation/transport",
    ] as const) {
      expect(() =>
        createSignServiceClient({ baseUrl: "https://h", endpoint, token }),
      ).not.toThrow();
    }
    // Given its own security, any endpoint goes.
    expect(() =>
      createSignServiceClient({ baseUrl: "https://h", endpoint: "token", security: null }),
    ).not.toThrow();
    expect(() =>
      createSignServiceClient({
        baseUrl: "https://h",
        endpoint: "federation/nosc",
        token,
        federation: {
          sts: "https://h/STS/Active.svc",
          credentials: { kind: "username", username: "u", password: "p" },
        },
      }),
    ).toThrow(ConfigurationError);
    expect(createSignServiceClient({ baseUrl: "https://h", token }).options.url).toBe(
      "https://h/SignServer/SignService.svc/token/transport/nosc",
    );
  });
});

describe("the client's message security refuses what it cannot verify", () => {
  const issuer = makeIssuer();
  let server: Awaited<ReturnType<typeof listen>>;
  const proofKeys = new Map<string, string>();
  beforeAll(async () => {
    // A service that checks the request but answers without the binding's protection.
    let audience = "";
    const hooks = symmetricBindingEndpointSecurity({
      issuerKey: issuer.certPem,
      get audiences() {
        return [audience];
      },
      proofKey: (id) => proofKeys.get(id),
    });
    server = await listen(
      createDssSignServiceServer(
        { GetCertificates: () => ({ GetCertificatesResult: {} }) },
        { security: { open: hooks.security.open }, understoodHeaders: hooks.understoodHeaders },
      ),
      { host: "127.0.0.1" },
    );
    audience = signServiceEndpoint(server.url, "token/nosc");
  });
  afterAll(() => server.close());

  it("an unprotected answer on token/nosc rejects as WsSecurityError, quoting no secret", async () => {
    const url = signServiceEndpoint(server.url, "token/nosc");
    const t = currentToken(issuer, url, { id: "_client-refuses" });
    proofKeys.set(t.keyIdentifier, t.proofKey);
    const client = createSignServiceClient({ url, token: t });
    const e = await getCertificates(client, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WsSecurityError);
    expect((e as WsSecurityError).message).not.toContain(t.proofKey);
  });

  it("a token without a proof key cannot sign: WsSecurityError before anything is sent", async () => {
    let sent = 0;
    const client = createSignServiceClient({
      url: signServiceEndpoint(server.url),
      token: { tokenXml: "<x/>" },
      fetch: (input, init) => {
        sent++;
        return fetch(input, init);
      },
    });
    const e = await getCertificates(client, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WsSecurityError);
    expect((e as WsSecurityError).code).toBe("invalid_token");
    expect(sent).toBe(0);
  });
});

describe("the verified token handed to the handlers", () => {
  const issuer = makeIssuer();
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";
  const proofKeys = new Map<string, string>();
  const seen: (SignServiceToken | undefined)[] = [];
  beforeAll(async () => {
    let audience = "";
    server = await listen(
      createDssSignServiceServer(
        {
          SignDocument: (ctx) => {
            seen.push(signServiceTokenOf(ctx));
            return { SignDocumentResult: null };
          },
        },
        transportBindingEndpointSecurity({
          issuerKey: issuer.certPem,
          issuer: ISSUER,
          get audiences() {
            return [audience];
          },
          proofKey: (id) => proofKeys.get(id),
        }),
      ),
      { host: "127.0.0.1" },
    );
    url = signServiceEndpoint(server.url);
    audience = url;
  });
  afterAll(() => server.close());

  it("carries the subject, the claims and the confirmed transaction (dsstransactiontokenid)", async () => {
    const now = Date.now();
    const id = "_with-transaction";
    const proofKey = newProofKey();
    proofKeys.set(id, proofKey);
    const tokenXml = signedSamlAssertion({
      issuer: ISSUER,
      signingKey: issuer.keyPem,
      audience: url,
      subject: "demo",
      assertionId: id,
      attributes: [
        {
          name: "dsstransactiontokenid",
          namespace: "http://dss.cryptopro.ru/identity/claims",
          values: ["tx-42"],
        },
        {
          name: "role",
          namespace: "http://schemas.microsoft.com/ws/2008/06/identity/claims",
          values: ["User", "Signer"],
        },
      ],
      notBefore: new Date(now - 60_000),
      notOnOrAfter: new Date(now + 600_000),
    });
    const client = createSignServiceClient({
      url,
      token: { tokenXml, proofKey, keyIdentifier: id },
    });
    await signDocument(client, { document: "aGVsbG8=", signatureType: "CMS", certificateID: 1 });
    const token = seen.at(-1)!;
    expect(token).toMatchObject({
      assertionId: id,
      issuer: ISSUER,
      subject: "demo",
      transactionId: "tx-42",
    });
    expect(token.claims[DSS_CLAIMS.transactionTokenId]).toEqual(["tx-42"]);
    expect(token.claims["http://schemas.microsoft.com/ws/2008/06/identity/claims/role"]).toEqual([
      "User",
      "Signer",
    ]);
    expect(token.assertionXml).toContain(id);
  });

  it("a provider's token the service refuses is dropped; a refused message is not the token's fault", async () => {
    const token = currentToken(issuer, url, { id: "_unknown-to-service" });
    const invalidated: unknown[] = [];
    const provider = {
      getToken: async () => token,
      invalidate: (t?: unknown) => invalidated.push(t),
    };
    // The service knows no proof key for it: SecurityTokenUnavailable.
    const client = createSignServiceClient({ url, token: provider });
    const e = await signDocument(client, { document: "aGVsbG8=" }).catch((x: unknown) => x);
    expect((e as { subcode?: unknown }).subcode).toMatchObject({
      local: "SecurityTokenUnavailable",
    });
    expect(invalidated).toEqual([token]);
    // A stale timestamp (the clock an hour behind) is the message's fault: the token stays.
    proofKeys.set(token.keyIdentifier, token.proofKey);
    const late = createSignServiceClient({
      url,
      token: provider,
      now: () => new Date(Date.now() - 3_600_000),
    });
    const stale = await signDocument(late, { document: "aGVsbG8=" }).catch((x: unknown) => x);
    expect((stale as { subcode?: unknown }).subcode).toMatchObject({ local: "MessageExpired" });
    expect(invalidated).toHaveLength(1);
  });
});
