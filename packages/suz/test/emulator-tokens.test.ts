/**
 * Client tokens against the emulator over HTTP: the ИС МДЛП flow (PASSWORD, SIGNED_CODE with a
 * detached or attached signature of the code by the certificate user_id names), the ГИС МТ flow
 * (attached signature of the challenge), one token per installation (a new one ends the old
 * one), expiry, and the errors of each host in its own format.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  ClientTokenError,
  certificateIds,
  mdlpTokenProvider,
  ping,
  registerInstallation,
  SANDBOX_REGISTRATION_KEY,
  trueApiTokenProvider,
} from "../src/index.js";
import { DEFAULT_MDLP_CLIENT, DEFAULT_MDLP_USER } from "../src/server.js";
import { client, makeSigner, OMS_ID, type TestSigner, useEmulator } from "./emulator-support.js";

const run = useEmulator();
let gost: TestSigner;
let rsa: TestSigner;

async function register(signer: TestSigner, name?: string) {
  const { omsConnection } = await registerInstallation(client(run.url()), {
    omsId: OMS_ID,
    registrationKey: SANDBOX_REGISTRATION_KEY,
    address: "г.Москва",
    ...(name ? { name } : {}),
    signer: signer.signer,
  }).catch((error: unknown) => {
    // The СУЗ error body says why; keep it in the failure.
    const body = (error as { body?: unknown }).body;
    throw new Error(`registration failed: ${String(error)} ${JSON.stringify(body)}`, {
      cause: error,
    });
  });
  return omsConnection;
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${run.url()}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function pingWith(token: string, omsId = OMS_ID) {
  const res = await fetch(`${run.url()}/api/v2/pharma/ping?omsId=${omsId}`, {
    headers: { clientToken: token },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const password = (omsConnection: string) =>
  mdlpTokenProvider({
    client: client(run.url()),
    omsConnection,
    clientId: DEFAULT_MDLP_CLIENT.clientId,
    clientSecret: DEFAULT_MDLP_CLIENT.clientSecret,
    userId: DEFAULT_MDLP_USER.userId,
    password: DEFAULT_MDLP_USER.password,
    now: run.now,
  });

beforeAll(async () => {
  gost = await makeSigner("GOST-256");
  rsa = await makeSigner("RSA");
}, 60_000);

describe("ИС МДЛП", () => {
  it("PASSWORD: a token that ping accepts", async () => {
    const token = await password(await register(gost)).getToken();
    expect(await pingWith(token)).toMatchObject({ status: 200, body: { omsId: OMS_ID } });
  });

  it.each(["detached", "attached"] as const)(
    "SIGNED_CODE: the code signed %s by the certificate user_id names (thumbprint or decimal serial)",
    async (codeSignature) => {
      const omsConnection = await register(gost);
      const ids = certificateIds(gost.certificate);
      for (const userId of [ids.thumbprint.toLowerCase(), ids.serialNumber]) {
        const tokens = mdlpTokenProvider({
          client: client(run.url()),
          omsConnection,
          clientId: DEFAULT_MDLP_CLIENT.clientId,
          clientSecret: DEFAULT_MDLP_CLIENT.clientSecret,
          userId,
          signer: gost.signer,
          codeSignature,
        });
        expect((await pingWith(await tokens.getToken())).status).toBe(200);
      }
    },
  );

  it("SIGNED_CODE by another certificate than user_id names is refused at mdlpToken", async () => {
    const omsConnection = await register(gost);
    const failure = await mdlpTokenProvider({
      client: client(run.url()),
      omsConnection,
      clientId: DEFAULT_MDLP_CLIENT.clientId,
      clientSecret: DEFAULT_MDLP_CLIENT.clientSecret,
      userId: certificateIds(rsa.certificate).thumbprint,
      signer: gost.signer,
    })
      .getToken()
      .catch((e) => e);
    expect(failure).toBeInstanceOf(ClientTokenError);
    expect(failure).toMatchObject({ flow: "mdlp", step: "mdlpToken", status: 400 });
    expect((failure as ClientTokenError).message).toMatch(/not the one user_id names/);
  });

  it("errors in the ИС МДЛП format: wrong secret, wrong password, a code used twice, an unknown installation", async () => {
    const omsConnection = await register(gost);
    const auth = {
      client_id: DEFAULT_MDLP_CLIENT.clientId,
      client_secret: "wrong-secret-42",
      user_id: DEFAULT_MDLP_USER.userId,
      auth_type: "PASSWORD",
    };
    const badSecret = await post("/api/v1/auth", auth);
    expect(badSecret).toMatchObject({ status: 400, body: { error_code: "INVALID_CLIENT" } });
    expect(JSON.stringify(badSecret.body)).not.toContain("wrong-secret-42");

    const { body } = await post("/api/v1/auth", {
      ...auth,
      client_secret: DEFAULT_MDLP_CLIENT.clientSecret,
    });
    const code = body.code as string;
    const wrong = await post(`/api/v1/token/${omsConnection}`, { code, password: "nope" });
    expect(wrong).toMatchObject({ status: 400, body: { error_code: "INVALID_PASSWORD" } });
    const reused = await post(`/api/v1/token/${omsConnection}`, {
      code,
      password: DEFAULT_MDLP_USER.password,
    });
    expect(reused).toMatchObject({ status: 400, body: { error_code: "INVALID_CODE" } });

    const fresh = (
      await post("/api/v1/auth", { ...auth, client_secret: DEFAULT_MDLP_CLIENT.clientSecret })
    ).body.code;
    const unknown = await post("/api/v1/token/00000000-0000-4000-8000-000000000000", {
      code: fresh,
      password: DEFAULT_MDLP_USER.password,
    });
    expect(unknown).toMatchObject({ status: 400, body: { error_code: "NOT_REGISTERED" } });
  });

  it("a code expires after 5 minutes", async () => {
    const omsConnection = await register(gost);
    const { body } = await post("/api/v1/auth", {
      client_id: DEFAULT_MDLP_CLIENT.clientId,
      client_secret: DEFAULT_MDLP_CLIENT.clientSecret,
      user_id: DEFAULT_MDLP_USER.userId,
      auth_type: "PASSWORD",
    });
    run.advance(301);
    const late = await post(`/api/v1/token/${omsConnection}`, {
      code: body.code,
      password: DEFAULT_MDLP_USER.password,
    });
    expect(late).toMatchObject({ status: 400, body: { error_code: "INVALID_CODE" } });
  });
});

describe("ГИС МТ", () => {
  it("a token for the attached signature of the challenge; 10 hours", async () => {
    const omsConnection = await register(gost);
    const tokens = trueApiTokenProvider({
      client: client(run.url()),
      omsConnection,
      signer: gost.signer,
      now: run.now,
    });
    const before = run.now();
    const token = await tokens.getToken();
    const after = run.now();
    expect((await pingWith(token)).status).toBe(200);
    const expires = run.emulator.state.currentToken(omsConnection)!.expiresAt.getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 36_000_000);
    expect(expires).toBeLessThanOrEqual(after + 36_000_000);
  });

  it("refuses a detached signature, other data, a used uuid, in the True API format", async () => {
    const omsConnection = await register(rsa);
    const key = async () =>
      (await fetch(`${run.url()}/auth/key`)).json() as Promise<{ uuid: string; data: string }>;
    const a = await key();
    const detached = await rsa.signer.signDetached(new TextEncoder().encode(a.data));
    const r1 = await post(`/auth/simpleSignIn/${omsConnection}`, { uuid: a.uuid, data: detached });
    expect(r1).toMatchObject({
      status: 400,
      body: { code: "BAD_SIGNATURE", error_message: expect.stringMatching(/attached/) },
    });
    const b = await key();
    const other = await rsa.signer.signAttached(new TextEncoder().encode("other data"));
    const r2 = await post(`/auth/simpleSignIn/${omsConnection}`, { uuid: b.uuid, data: other });
    expect(r2).toMatchObject({ status: 400, body: { code: "BAD_SIGNATURE" } });
    const r3 = await post(`/auth/simpleSignIn/${omsConnection}`, { uuid: b.uuid, data: other });
    expect(r3).toMatchObject({ status: 400, body: { code: "INVALID_UUID" } });
  });
});

describe("one token per installation, expiry, ping's checks", () => {
  it("a new token ends the previous one, whichever flow issued either", async () => {
    const omsConnection = await register(gost);
    const first = await password(omsConnection).getToken();
    const second = await trueApiTokenProvider({
      client: client(run.url()),
      omsConnection,
      signer: gost.signer,
    }).getToken();
    expect((await pingWith(first)).status).toBe(401);
    expect((await pingWith(second)).status).toBe(200);
    const third = await password(omsConnection).getToken();
    expect(await pingWith(second)).toMatchObject({ status: 401, body: { success: false } });
    expect((await pingWith(third)).status).toBe(200);
  });

  it("an ИС МДЛП token is refused after life_time minutes", async () => {
    const token = await password(await register(gost)).getToken();
    run.advance(29 * 60);
    expect((await pingWith(token)).status).toBe(200);
    run.advance(61);
    expect(await pingWith(token)).toMatchObject({
      status: 401,
      body: { globalErrors: [{ error: expect.stringMatching(/expired/) }] },
    });
  });

  it("ping: 401 without a token or with an unknown one, 403 for another omsId, 400 for a bad omsId", async () => {
    const token = await password(await register(gost)).getToken();
    const none = await fetch(`${run.url()}/api/v2/pharma/ping?omsId=${OMS_ID}`);
    expect(none.status).toBe(401);
    expect((await pingWith("made-up")).status).toBe(401);
    expect((await pingWith(token, "11111111-2222-4333-8444-555555555555")).status).toBe(403);
    expect((await pingWith(token, "not-a-uuid")).status).toBe(400);
    await expect(
      ping(client(run.url()), { path: { extension: "pharma" }, query: { omsId: OMS_ID } }),
    ).rejects.toMatchObject({ status: 401, operationId: "ping" });
  });
});

describe("bad input, answered 400 in each host's own format", () => {
  const raw = async (path: string, body: string) => {
    const res = await fetch(`${run.url()}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([
    ["/api/v1/auth", "{"],
    [
      "/api/v1/auth",
      JSON.stringify({
        client_id: "not-a-guid",
        client_secret: "s",
        user_id: "u",
        auth_type: "PASSWORD",
      }),
    ],
    [
      "/api/v1/auth",
      JSON.stringify({
        client_id: DEFAULT_MDLP_CLIENT.clientId,
        client_secret: "s",
        user_id: "u",
        auth_type: "TOKEN",
      }),
    ],
    [
      "/api/v1/token/1a7ef78e-597a-424e-8e81-1994109b90be",
      JSON.stringify({ code: "b7b1abc9-f4ee-47db-8a20-f80ac83504e8" }),
    ],
    [
      "/api/v1/token/not-a-uuid",
      JSON.stringify({ code: "b7b1abc9-f4ee-47db-8a20-f80ac83504e8", password: "p" }),
    ],
  ])("ИС МДЛП %s %s", async (path, body) => {
    const res = await raw(path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_description: expect.any(String) });
    expect(res.body).not.toHaveProperty("success");
  });

  it.each([
    ["/auth/simpleSignIn/1a7ef78e-597a-424e-8e81-1994109b90be", "{"],
    ["/auth/simpleSignIn/1a7ef78e-597a-424e-8e81-1994109b90be", JSON.stringify({ data: "MIAG" })],
    [
      "/auth/simpleSignIn/1a7ef78e-597a-424e-8e81-1994109b90be",
      JSON.stringify({ uuid: "x", data: "not base64!" }),
    ],
  ])("ГИС МТ %s %s", async (path, body) => {
    const res = await raw(path, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error_message: expect.any(String) });
    expect(res.body).not.toHaveProperty("error_description");
  });

  it("an unknown path is 404, a wrong method 405, never a 500", async () => {
    expect((await fetch(`${run.url()}/api/v9/nothing`)).status).toBe(404);
    expect((await fetch(`${run.url()}/api/v1/auth`)).status).toBe(405);
  });
});
