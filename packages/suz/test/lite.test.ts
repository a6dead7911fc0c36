/**
 * `@trustspec/suz/lite`: the registration and client-token operations without validation, against
 * the generated MSW mocks and against the emulator over real HTTP on 127.0.0.1 (no input, a path
 * parameter and a query, JSON bodies, the registration signed through `registrationSignature`,
 * error statuses); what a one-operation bundle carries; the types.
 */
import { join } from "node:path";
import { ConfigurationError, ValidationError } from "@trustspec/runtime";
import {
  browserBundleOf,
  expectLiteResponsesMatch,
  useMockServer,
} from "@trustspec-private/test-support";
import { setupServer } from "msw/node";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as full from "../src/index.js";
import {
  ApiError,
  clientTokenAuth,
  createSuzClient,
  isPingError,
  mdlpAuth,
  mdlpToken,
  ping,
  registerConnection,
  registrationSignature,
  SANDBOX_REGISTRATION_KEY,
  trueApiAuthKey,
} from "../src/lite.js";
import { createSuzMockHandlers } from "../src/mocks.js";
import { DEFAULT_MDLP_CLIENT, DEFAULT_MDLP_USER } from "../src/server.js";
import { makeSigner, OMS_ID, useEmulator } from "./emulator-support.js";

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

const passwordAuth = {
  client_id: DEFAULT_MDLP_CLIENT.clientId,
  client_secret: DEFAULT_MDLP_CLIENT.clientSecret,
  user_id: DEFAULT_MDLP_USER.userId,
  auth_type: "PASSWORD" as const,
};

describe("against the MSW mocks", () => {
  const BASE = "http://suz-lite.mock.test";
  const server = setupServer(...createSuzMockHandlers({ baseUrl: BASE, seed: 2 }));
  const { requests, bodies } = useMockServer(server);

  const client = () => createSuzClient({ baseUrl: BASE, retry: false });

  it("trueApiAuthKey: no input", async () => {
    const { status, data } = await trueApiAuthKey(client());
    expect(status).toBe(200);
    expect(typeof data.uuid).toBe("string");
  });

  it("ping: a path parameter and a query", async () => {
    const { status } = await ping(client(), {
      path: { extension: "milk" },
      query: { omsId: OMS_ID },
    });
    expect(status).toBe(200);
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe("/api/v2/milk/ping");
    expect(url.searchParams.get("omsId")).toBe(OMS_ID);
  });

  it("mdlpAuth: a JSON body", async () => {
    const { status } = await mdlpAuth(client(), { body: passwordAuth });
    expect(status).toBe(200);
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(await bodies[0]!)).toEqual(passwordAuth);
  });
});

describe("against the emulator over HTTP on 127.0.0.1", () => {
  const run = useEmulator();
  const client = (extra: Parameters<typeof createSuzClient>[0] = {}) =>
    createSuzClient({ baseUrl: run.url(), retry: false, ...extra });

  it("listens on 127.0.0.1", () => {
    expect(run.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("registers (signed body), signs in through ИС МДЛП (path and body) and pings with the token", async () => {
    const { signer } = await makeSigner("GOST-256");
    const registered = await registerConnection(
      client({ middleware: [registrationSignature(signer)] }),
      {
        query: { omsId: OMS_ID },
        headers: { "X-RegistrationKey": SANDBOX_REGISTRATION_KEY },
        body: { address: "г.Москва, ул. Ленинские горы, 1", name: "Лёгкий клиент" },
      },
    );
    expect(registered.data).toMatchObject({ status: "SUCCESS", name: "Лёгкий клиент" });
    const auth = await mdlpAuth(client(), { body: passwordAuth });
    const issued = await mdlpToken(client(), {
      path: { omsConnection: registered.data.omsConnection! },
      body: { code: auth.data.code, password: DEFAULT_MDLP_USER.password },
    });
    const token = issued.data.token;
    const pinged = await ping(
      client({ auth: clientTokenAuth({ getToken: async () => token, invalidate() {} }) }),
      { path: { extension: "pharma" }, query: { omsId: OMS_ID } },
    );
    expect(pinged.data).toMatchObject({ omsId: OMS_ID });
  });

  it("an unknown client token is a 401 ApiError", async () => {
    const stranger = client({
      auth: clientTokenAuth({ getToken: async () => "not-a-token", invalidate() {} }),
    });
    const error = await rejection(
      ping(stranger, { path: { extension: "pharma" }, query: { omsId: OMS_ID } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(isPingError(error)).toBe(true);
  });

  it("a request that breaks the contract is not refused by the client: the server's 400 comes back", async () => {
    const error = await rejection(
      // @ts-expect-error auth_type is one of the contract's values
      mdlpAuth(client(), { body: { ...passwordAuth, auth_type: "NONE" } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as ApiError).status).toBe(400);
  });
});

describe("what a one-operation browser bundle carries", () => {
  it("registerConnection from the lite entry carries no validators; from the main entry it does", {
    timeout: 120_000,
  }, async () => {
    const packageDir = join(import.meta.dirname, "..");
    const names = ["createSuzClient", "registerConnection"];
    const validators = (files: string[]) => files.filter((f) => f.endsWith("validators.gen.ts"));
    const lite = await browserBundleOf("@trustspec/suz/lite", names, packageDir);
    const main = await browserBundleOf("@trustspec/suz", names, packageDir);
    expect(validators(lite.files)).toEqual([]);
    expect(validators(main.files)).toEqual(["src/generated/validators.gen.ts"]);
    // The registration's signature middleware and the token header come without them too.
    const signed = await browserBundleOf(
      "@trustspec/suz/lite",
      [...names, "registrationSignature", "clientTokenAuth"],
      packageDir,
    );
    expect(validators(signed.files)).toEqual([]);
  });
});

describe("the choices a lite client refuses, and its types", () => {
  it("refuses any validation policy but off", () => {
    for (const policy of ["strict", "report"] as const) {
      // @ts-expect-error a lite client has no validation to turn on
      expect(() => createSuzClient({ validation: policy })).toThrow(ConfigurationError);
    }
    expect(createSuzClient({ validation: "off" }).lite).toBe(true);
  });

  it("a lite operation refuses a client of the main entry", async () => {
    const mainClient = full.createSuzClient({ baseUrl: "http://127.0.0.1:1" });
    // @ts-expect-error a client of the main entry validates; the lite operations would not
    const error = await rejection(trueApiAuthKey(mainClient));
    expect((error as ConfigurationError).option).toBe("client");
  });

  it("has the main entry's operation types", () => {
    expectTypeOf(registerConnection).parameter(1).toEqualTypeOf<full.RegisterConnectionInput>();
    expectTypeOf<ReturnType<typeof mdlpToken>>().toEqualTypeOf<ReturnType<typeof full.mdlpToken>>();
    expectTypeOf(ping).parameter(1).toEqualTypeOf<full.PingInput>();
  });
});

describe("the lite descriptors", () => {
  it("read every documented answer as the full descriptors do", async () => {
    const { operationList } = await import("../src/generated/operations.gen.js");
    expectLiteResponsesMatch(
      operationList,
      await import("../src/generated/operations-lite.gen.js"),
    );
  });
});
