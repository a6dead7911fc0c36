/**
 * The client-token providers against the emulator over HTTP: the token is cached for its
 * lifetime (ИС МДЛП: life_time; ГИС МТ: 10 hours) and fetched anew after it, a 401 re-runs the
 * flow once, concurrent callers (and several providers of one installation) share one flow, and
 * errors name the step without carrying secrets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  ClientTokenError,
  clientTokenAuth,
  mdlpTokenProvider,
  ping,
  registerInstallation,
  SANDBOX_REGISTRATION_KEY,
  trueApiTokenProvider,
} from "../src/index.js";
import { DEFAULT_MDLP_CLIENT, DEFAULT_MDLP_USER } from "../src/server.js";
import { client, makeSigner, OMS_ID, type TestSigner, useEmulator } from "./emulator-support.js";

const run = useEmulator({ mdlpTokenLifetimeMinutes: 30 });
let gost: TestSigner;

beforeAll(async () => {
  gost = await makeSigner("GOST-256");
}, 30_000);

/** A fetch that counts the calls per path. */
function counting() {
  const counts = new Map<string, number>();
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname.replace(
      /[0-9a-f-]{36}/,
      "{id}",
    );
    counts.set(path, (counts.get(path) ?? 0) + 1);
    return globalThis.fetch(input, init);
  }) as typeof globalThis.fetch;
  return { fetch, count: (path: string) => counts.get(path) ?? 0 };
}

async function register() {
  return (
    await registerInstallation(client(run.url()), {
      omsId: OMS_ID,
      registrationKey: SANDBOX_REGISTRATION_KEY,
      address: "г.Москва",
      signer: gost.signer,
    })
  ).omsConnection;
}

function mdlp(
  omsConnection: string,
  fetch: typeof globalThis.fetch,
  extra: { password?: string } = {},
) {
  return mdlpTokenProvider({
    client: client(run.url(), { fetch }),
    omsConnection,
    clientId: DEFAULT_MDLP_CLIENT.clientId,
    clientSecret: async () => DEFAULT_MDLP_CLIENT.clientSecret,
    userId: DEFAULT_MDLP_USER.userId,
    password: extra.password ?? DEFAULT_MDLP_USER.password,
    now: run.now,
  });
}

const pingCall = (tokens: Parameters<typeof clientTokenAuth>[0], fetch?: typeof globalThis.fetch) =>
  ping(client(run.url(), { auth: clientTokenAuth(tokens), ...(fetch ? { fetch } : {}) }), {
    path: { extension: "milk" },
    query: { omsId: OMS_ID },
  });

describe("ИС МДЛП token provider", () => {
  it("runs the flow once for many calls, again after life_time", async () => {
    const omsConnection = await register();
    const c = counting();
    const tokens = mdlp(omsConnection, c.fetch);
    for (let i = 0; i < 5; i++) expect((await pingCall(tokens)).status).toBe(200);
    expect(c.count("/api/v1/auth")).toBe(1);
    expect(c.count("/api/v1/token/{id}")).toBe(1);
    run.advance(30 * 60 - 20); // within the 30 s refresh margin before life_time runs out
    expect((await pingCall(tokens)).status).toBe(200);
    expect(c.count("/api/v1/token/{id}")).toBe(2);
  });

  it("20 concurrent callers and a second provider of the same installation share one flow", async () => {
    const omsConnection = await register();
    const c = counting();
    const a = mdlp(omsConnection, c.fetch);
    const b = mdlp(omsConnection.toUpperCase(), c.fetch);
    const tokens = await Promise.all([
      ...Array.from({ length: 20 }, () => a.getToken()),
      ...Array.from({ length: 5 }, () => b.getToken()),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(c.count("/api/v1/auth")).toBe(1);
    expect((await pingCall(a)).status).toBe(200);
  });

  it("a 401 (the token ended by a newer one) re-runs the flow once and repeats the call", async () => {
    const omsConnection = await register();
    const c = counting();
    const tokens = mdlp(omsConnection, c.fetch);
    expect((await pingCall(tokens, c.fetch)).status).toBe(200);
    // Another program signs in for the same installation: our cached token is ended.
    await trueApiTokenProvider({
      client: client(run.url()),
      omsConnection,
      signer: gost.signer,
    }).getToken();
    expect((await pingCall(tokens, c.fetch)).status).toBe(200);
    expect(c.count("/api/v1/auth")).toBe(2);
    expect(c.count("/api/v2/milk/ping")).toBe(3);
  });

  it("fails with ClientTokenError naming the step, without the password or secret", async () => {
    const omsConnection = await register();
    const failure = await mdlp(omsConnection, globalThis.fetch, { password: "s3cret-wrong-pw" })
      .getToken()
      .catch((e) => e);
    expect(failure).toBeInstanceOf(ClientTokenError);
    expect(failure).toMatchObject({
      flow: "mdlp",
      step: "mdlpToken",
      status: 400,
      code: "client_token_failed",
    });
    expect(failure.message).not.toContain("s3cret-wrong-pw");
    expect(failure.message).not.toContain(DEFAULT_MDLP_CLIENT.clientSecret);
  });

  it("needs exactly one of password and signer", () => {
    const base = {
      client: client("http://127.0.0.1:1"),
      omsConnection: "1a7ef78e-597a-424e-8e81-1994109b90be",
      clientId: DEFAULT_MDLP_CLIENT.clientId,
      clientSecret: "s",
      userId: "u",
    };
    expect(() => mdlpTokenProvider(base)).toThrow(/exactly one/);
    expect(() => mdlpTokenProvider({ ...base, password: "p", signer: gost.signer })).toThrow(
      /exactly one/,
    );
  });
});

describe("ГИС МТ token provider", () => {
  it("keeps the token 10 hours, then signs in again", async () => {
    const omsConnection = await register();
    const c = counting();
    const tokens = trueApiTokenProvider({
      client: client(run.url(), { fetch: c.fetch }),
      omsConnection,
      signer: gost.signer,
      now: run.now,
    });
    const first = await tokens.getToken();
    run.advance(9 * 3600);
    expect(await tokens.getToken()).toBe(first);
    expect((await pingCall(tokens)).status).toBe(200);
    run.advance(3600);
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(c.count("/auth/key")).toBe(2);
    expect(c.count("/auth/simpleSignIn/{id}")).toBe(2);
  });

  it("an unregistered installation fails at trueApiSimpleSignIn", async () => {
    await expect(
      trueApiTokenProvider({
        client: client(run.url()),
        omsConnection: "00000000-0000-4000-8000-000000000000",
        signer: gost.signer,
      }).getToken(),
    ).rejects.toMatchObject({ flow: "trueApi", step: "trueApiSimpleSignIn", status: 400 });
  });
});
