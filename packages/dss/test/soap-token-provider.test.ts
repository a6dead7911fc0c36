/**
 * Where the Sign Service client's token comes from: the WS-Trust issued-token provider against
 * the mock STS with a fake clock (kept until shortly before `Lifetime/Expires`, one exchange for
 * concurrent callers, failures not kept, the transaction claim asked for per transaction); the
 * `federation…` client option end to end (the emulator's identity centre issues the token, the
 * server stub with the endpoint hooks checks it); and the `/cert` endpoint with the TLS client
 * certificate credentials over HTTPS.
 */
import { KeyObject } from "node:crypto";
import { listen } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPem } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import { clientCertificateFetch } from "../src/node.js";
import {
  createDssSignServiceServer,
  signServiceEndpointSecurity,
  signServiceTokenOf,
} from "../src/server.js";
import {
  ConfigurationError,
  createSignServiceClient,
  DSS_CLAIMS,
  getCertificates,
  issueSecurityToken,
  signServiceEndpoint,
  stsEndpoint,
  WsTrustFailedError,
  wsTrustIssuedTokenProvider,
} from "../src/soap.js";
import { createMockSts } from "../src/wstrust/mock-sts.js";
import { testCa } from "./emulator-support.js";

const SIGN = "https://dss.example/SignServer/SignService.svc/token/transport/nosc";

describe("wsTrustIssuedTokenProvider against the mock STS", () => {
  let clock = Date.parse("2026-12-03T10:00:00Z");
  const events: { kind: string }[] = [];
  const issuedFor: { user: string; transactionId?: string }[] = [];
  let server: Awaited<ReturnType<typeof listen>>;
  let url = "";
  beforeAll(async () => {
    server = await listen(
      createMockSts({
        users: { alice: "secret" },
        code: (tx) => (tx ? `otp-${tx}` : "000000"),
        tokenLifetimeS: 600,
        now: () => clock,
        onEvent: (e) => events.push(e),
        issueToken: (info) => {
          issuedFor.push(info);
          return `token-${issuedFor.length}`;
        },
      }),
      { host: "127.0.0.1" },
    );
    url = `${server.url.replace(/\/$/, "")}/`;
  });
  afterAll(() => server.close());
  const rsts = () => events.filter((e) => e.kind === "rst").length;
  const provider = (extra: { refreshSkewSeconds?: number; password?: string } = {}) =>
    wsTrustIssuedTokenProvider({
      url,
      appliesTo: SIGN,
      credentials: { kind: "username", username: "alice", password: extra.password ?? "secret" },
      answer: async (challenge) => (challenge.textChallenges.length ? "otp-tx-7" : ""),
      now: () => clock,
      ...(extra.refreshSkewSeconds !== undefined
        ? { refreshSkewSeconds: extra.refreshSkewSeconds }
        : {}),
    });

  it("keeps the token until refreshSkewSeconds before Lifetime/Expires, then asks again", async () => {
    const p = provider({ refreshSkewSeconds: 30 });
    const before = rsts();
    const first = await p.getToken();
    expect(rsts()).toBe(before + 1);
    clock += 569_000; // 31 s before the 600 s lifetime ends
    expect(await p.getToken()).toBe(first);
    expect(rsts()).toBe(before + 1);
    clock += 1_000; // 30 s before: time to refresh
    const second = await p.getToken();
    expect(rsts()).toBe(before + 2);
    expect(second.tokenXml).not.toBe(first.tokenXml);
    // invalidate drops it.
    p.invalidate(second);
    await p.getToken();
    expect(rsts()).toBe(before + 3);
  });

  it("is single-flight: ten concurrent callers share one exchange", async () => {
    const p = provider();
    const before = rsts();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => p.getToken()));
    expect(rsts()).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
  });

  it("does not keep a failure: the next call asks again", async () => {
    const p = provider({ password: "wrong" });
    // Refused credentials end the exchange with a fault before any RST is read.
    const faults = () => events.filter((e) => e.kind === "fault").length;
    const before = faults();
    const results = await Promise.allSettled([p.getToken(), p.getToken()]);
    expect(faults()).toBe(before + 1);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WsTrustFailedError);
      expect(String((r as PromiseRejectedResult).reason)).not.toContain("wrong");
    }
    await expect(p.getToken()).rejects.toBeInstanceOf(WsTrustFailedError);
    expect(faults()).toBe(before + 2);
  });

  it("asks for a transaction's token with the dsstransactiontokenid claim, kept apart", async () => {
    const p = provider();
    const plain = await p.getToken();
    const tx = p.forTransaction("tx-7");
    const [a, b] = await Promise.all([tx.getToken(), tx.getToken()]);
    expect(a).toBe(b);
    expect(a.tokenXml).not.toBe(plain.tokenXml);
    expect(issuedFor.at(-1)).toMatchObject({ user: "alice", transactionId: "tx-7" });
    // The plain token is still the one kept.
    expect(await p.getToken()).toBe(plain);
    expect(DSS_CLAIMS.transactionTokenId).toBe(
      "http://dss.cryptopro.ru/identity/claims/dsstransactiontokenid",
    );
  });
});

describe("federation endpoints and /cert against the emulator's identity centre", () => {
  let dss: DssEmulator;
  let emulator: Awaited<ReturnType<DssEmulator["listen"]>>;
  let https: Awaited<ReturnType<DssEmulator["listen"]>>;
  let service: Awaited<ReturnType<typeof listen>>;
  let serviceUrl = "";
  const seen: { subject?: string; transactionId?: string }[] = [];

  beforeAll(async () => {
    dss = await DssEmulator.create({
      ca: await testCa(),
      keyAlgorithm: "ECDSA",
      users: [{ login: "demo", password: "demo" }],
    });
    emulator = await dss.listen();
    https = await dss.listen({ https: { requestCert: true } });
    let audience = "";
    service = await listen(
      createDssSignServiceServer(
        {
          GetCertificates: (ctx) => {
            const t = signServiceTokenOf(ctx);
            seen.push({
              ...(t?.subject !== undefined ? { subject: t.subject } : {}),
              ...(t?.transactionId !== undefined ? { transactionId: t.transactionId } : {}),
            });
            return { GetCertificatesResult: {} };
          },
        },
        signServiceEndpointSecurity("federation/transport/nosc", {
          issuerKey: dss.stsCertificatePem,
          issuer: dss.stsIssuer,
          get audiences() {
            return [audience];
          },
          proofKey: (id) => dss.state.samlTokens.get(id)?.proofKey,
        }),
      ),
      { host: "127.0.0.1" },
    );
    serviceUrl = signServiceEndpoint(service.url, "federation/transport/nosc");
    audience = serviceUrl;
  });
  afterAll(async () => {
    await service?.close();
    await https?.close();
    await emulator?.close();
    await dss?.close();
  });

  it("federation/transport/nosc: one call obtains the token from the STS and calls with it", async () => {
    let exchanges = 0;
    const client = createSignServiceClient({
      url: serviceUrl,
      federation: {
        sts: stsEndpoint(emulator.url, "/"),
        credentials: { kind: "username", username: "demo", password: "demo" },
        fetch: (input, init) => {
          exchanges++;
          return fetch(input, init);
        },
      },
    });
    expect(await getCertificates(client, {})).toEqual({ GetCertificatesResult: {} });
    expect(seen.at(-1)).toEqual({ subject: "demo" });
    // The token is kept: a second call needs no new exchange.
    await getCertificates(client, {});
    expect(exchanges).toBe(1);
  });

  it("/cert: the certificate credentials present the user's certificate over TLS", async () => {
    const c = dss.state.certificatesOf("demo")[0]!;
    const key = KeyObject.from(c.privateKey!).export({ type: "pkcs8", format: "pem" }) as string;
    const outcome = await issueSecurityToken({
      url: stsEndpoint(https.url, "cert"),
      appliesTo: serviceUrl,
      credentials: { kind: "certificate" },
      fetch: clientCertificateFetch({
        cert: toPem(c.der, "CERTIFICATE"),
        key,
        ca: dss.caCertificatePem,
      }),
    });
    expect(outcome.status).toBe("issued");
    if (outcome.status !== "issued") return;
    expect(dss.state.samlTokens.get(outcome.token.keyIdentifier!)?.subject).toBe("demo");
    // The token it got calls the Sign Service.
    const client = createSignServiceClient({ url: serviceUrl, token: outcome.token });
    await getCertificates(client, {});
    expect(seen.at(-1)).toEqual({ subject: "demo" });
  });

  it("/cert credentials without a fetch that presents the certificate are a ConfigurationError", async () => {
    const e = await issueSecurityToken({
      url: stsEndpoint(https.url, "cert"),
      appliesTo: serviceUrl,
      credentials: { kind: "certificate" },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigurationError);
  });
});
