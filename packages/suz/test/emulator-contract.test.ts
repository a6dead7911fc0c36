/**
 * Every operation of specs/suz through its generated client function against the emulator over
 * HTTP on 127.0.0.1, both directions checked strictly against the contract, in the order of the
 * documented process: register an installation (§9.2), get a token through ИС МДЛП (§9.3.1) and
 * through ГИС МТ (§9.3.2), call the СУЗ API with it (ping).
 */
import { describe, expect, it } from "vitest";
import { operationList } from "../src/generated/operations.gen.js";
import {
  clientTokenAuth,
  mdlpAuth,
  mdlpToken,
  ping,
  registerConnection,
  registrationSignature,
  SANDBOX_REGISTRATION_KEY,
  trueApiAuthKey,
  trueApiSimpleSignIn,
} from "../src/index.js";
import { DEFAULT_MDLP_CLIENT, DEFAULT_MDLP_USER } from "../src/server.js";
import { client, makeSigner, OMS_ID, useEmulator } from "./emulator-support.js";

const run = useEmulator();
const called = new Set<string>();

describe("every operation against the emulator over HTTP", () => {
  let omsConnection = "";
  let token = "";

  it("registerConnection: the body signed detached by the participant, SUCCESS with an omsConnection", async () => {
    const { signer } = await makeSigner("GOST-256");
    const c = client(run.url(), { middleware: [registrationSignature(signer)] });
    const result = await registerConnection(c, {
      query: { omsId: OMS_ID.toUpperCase() },
      headers: { "X-RegistrationKey": SANDBOX_REGISTRATION_KEY },
      body: { address: "г.Москва, ул. Ленинские горы, 1", name: "Наименование" },
    });
    expect(result.status).toBe(200);
    expect(result.data).toMatchObject({ status: "SUCCESS", name: "Наименование" });
    omsConnection = result.data.omsConnection!;
    expect(omsConnection).toMatch(/^[0-9a-f-]{36}$/);
    called.add("registerConnection");
  });

  it("mdlpAuth and mdlpToken: PASSWORD, a code, then a token with its life_time", async () => {
    const c = client(run.url());
    const auth = await mdlpAuth(c, {
      body: {
        client_id: DEFAULT_MDLP_CLIENT.clientId,
        client_secret: DEFAULT_MDLP_CLIENT.clientSecret,
        user_id: DEFAULT_MDLP_USER.userId,
        auth_type: "PASSWORD",
      },
    });
    expect(auth.data.code).toMatch(/^[0-9a-f-]{36}$/);
    const issued = await mdlpToken(c, {
      path: { omsConnection },
      body: { code: auth.data.code, password: DEFAULT_MDLP_USER.password },
    });
    expect(issued.data).toMatchObject({ life_time: 30 });
    token = issued.data.token;
    called.add("mdlpAuth").add("mdlpToken");
  });

  it("ping: with the token as clientToken", async () => {
    const c = client(run.url(), {
      auth: clientTokenAuth({ getToken: async () => token, invalidate() {} }),
    });
    const result = await ping(c, { path: { extension: "pharma" }, query: { omsId: OMS_ID } });
    expect(result.data).toMatchObject({ omsId: OMS_ID, apiVersion: expect.any(String) });
    called.add("ping");
  });

  it("trueApiAuthKey and trueApiSimpleSignIn: the challenge signed attached, a new token that ends the old one", async () => {
    const { signer } = await makeSigner("GOST-512");
    const c = client(run.url());
    const challenge = await trueApiAuthKey(c);
    expect(challenge.data.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const signed = await signer.signAttached(new TextEncoder().encode(challenge.data.data));
    const result = await trueApiSimpleSignIn(c, {
      path: { omsConnection },
      body: { uuid: challenge.data.uuid, data: signed },
    });
    expect(result.data.token).not.toBe(token);
    called.add("trueApiAuthKey").add("trueApiSimpleSignIn");
    const old = client(run.url(), { headers: { clientToken: token } });
    await expect(
      ping(old, { path: { extension: "pharma" }, query: { omsId: OMS_ID } }),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it("covered every operation of the spec", () => {
    expect([...called].sort()).toEqual(operationList.map((op) => op.operationId).sort());
  });
});
