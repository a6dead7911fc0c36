import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ApiError, headerAuth, SchemaValidator } from "@trustspec/runtime";
import { HttpError } from "@trustspec/runtime/server";
import {
  type ClientFunction,
  contractTargets,
  inputFor,
  strictClient,
} from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import * as client from "../src/generated/client.gen.js";
import { createSuzMockHandlers, defaultSuzHandlers } from "../src/generated/msw.gen.js";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";
import { createSuzRouter, formatSuzError } from "../src/generated/server.gen.js";
import { registerConnection } from "../src/index.js";

/**
 * Every operation of the СУЗ registration and client-token spec, called through its generated
 * client function with input made from the contract, against the generated MSW mocks and the
 * generated server stub over HTTP on 127.0.0.1, checked strictly both ways; then bad input, which
 * each host answers 400 in its own error format.
 */
const MOCK_URL = "http://suz.test";
const targets = contractTargets(
  MOCK_URL,
  createSuzMockHandlers({ baseUrl: MOCK_URL, seed: 3 }),
  createSuzRouter(defaultSuzHandlers(11), {
    formatError: formatSuzError,
    responseValidation: "strict",
  }),
);
const validator = new SchemaValidator(schemas);
const fns = client as unknown as Record<string, ClientFunction>;

describe("the operation list", () => {
  it("holds the five documented operations and ping, one client function each", () => {
    expect(operationList.map((op) => op.operationId).sort()).toEqual([
      "mdlpAuth",
      "mdlpToken",
      "ping",
      "registerConnection",
      "trueApiAuthKey",
      "trueApiSimpleSignIn",
    ]);
    for (const op of operationList) expect(typeof fns[op.operationId]).toBe("function");
  });

  it("reaches msw from the mocks entry only, never from the main entry", () => {
    const src = join(import.meta.dirname, "..", "src");
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/from "msw|@trustspec\/runtime\/msw/);
      for (const m of text.matchAll(/from "(\.[^"]+)\.js"/g))
        visit(join(dirname(file), `${m[1]}.ts`));
    };
    visit(join(src, "index.ts"));
    expect(seen.size).toBeGreaterThan(2);
    expect(readFileSync(join(src, "generated", "msw.gen.ts"), "utf8")).toMatch(/from "msw"/);
  });

  it("needs no clientToken for the sign-in operations (they are how one gets it), and one for ping", () => {
    for (const op of operationList) {
      expect(op.security, op.operationId).toEqual(
        op.operationId === "ping" ? ["ClientTokenAuth"] : [],
      );
    }
  });
});

describe.each(targets)("every operation against the %s", (_label, baseUrl) => {
  it.each(operationList.map((op, i) => [op.operationId, op, i] as const))(
    "%s answers a documented success status with a valid body",
    async (_id, op, i) => {
      const auth = op.security.length > 0 ? { auth: headerAuth("clientToken", "token-1") } : {};
      const result = await fns[op.operationId]!(
        strictClient(schemas, baseUrl(), auth),
        inputFor(schemas, op, i + 1),
      );
      expect(op.success).toContain(result.status);
    },
  );
});

/** POSTs `body` as JSON to `path` and returns the status and the parsed answer. */
async function post(
  base: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const OMS_ID = "cdf12109-10d3-11e6-8b6f-0050569977a1";
const CONNECTION = "1a7ef78e-597a-424e-8e81-1994109b90be";

describe.each(targets)("bad input against the %s", (_label, baseUrl) => {
  it("registration: an omsId that is not a UUID is answered 400 with a СУЗ error body", async () => {
    const res = await post(
      baseUrl(),
      "/api/v3/integration/connection?omsId=CDF12109",
      { address: "г.Москва" },
      { "X-RegistrationKey": "4344d884-7f21-456c-981e-cd68e92391e8" },
    );
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(validator.validate("OmsErrorResponse", res.body)).toEqual([]);
  });

  it("registration: no X-RegistrationKey, or an empty name, is answered 400 likewise", async () => {
    const noKey = await post(baseUrl(), `/api/v3/integration/connection?omsId=${OMS_ID}`, {
      address: "г.Москва",
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.success).toBe(false);
    const emptyName = await post(
      baseUrl(),
      `/api/v3/integration/connection?omsId=${OMS_ID}`,
      { address: "г.Москва", name: "" },
      { "X-RegistrationKey": "k" },
    );
    expect(emptyName.status).toBe(400);
    expect(validator.validate("OmsErrorResponse", emptyName.body)).toEqual([]);
  });

  it("ИС МДЛП: an unknown auth_type is answered 400 with an ИС МДЛП error body", async () => {
    const res = await post(baseUrl(), "/api/v1/auth", {
      client_id: "7df0d06f-6510-44fe-a378-76cb53e2605f",
      client_secret: "s",
      user_id: "user@example.org",
      auth_type: "TOKEN",
    });
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/auth_type/);
    expect(res.body).not.toHaveProperty("success");
    expect(validator.validate("MdlpError", res.body)).toEqual([]);
  });

  it("ИС МДЛП: a token request with neither password nor signature is answered 400", async () => {
    const res = await post(baseUrl(), `/api/v1/token/${CONNECTION}`, {
      code: "b7b1abc9-f4ee-47db-8a20-f80ac83504e8",
    });
    expect(res.status).toBe(400);
    expect(typeof res.body.error_description).toBe("string");
  });

  it("ГИС МТ: a sign-in without uuid is answered 400 with a True API error body", async () => {
    const res = await post(baseUrl(), `/auth/simpleSignIn/${CONNECTION}`, { data: "MIAG" });
    expect(res.status).toBe(400);
    expect(res.body.error_message).toMatch(/uuid/);
    expect(res.body).not.toHaveProperty("error_description");
    expect(validator.validate("TrueApiError", res.body)).toEqual([]);
  });
});

describe("X-Signature and the documented 413", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const verifications: boolean[] = [];
  // A stub whose registration checks X-Signature, reached through the client's fetch option.
  const router = createSuzRouter(
    {
      ...defaultSuzHandlers(5),
      registerConnection(ctx) {
        // The signature must cover the body bytes exactly as they arrived.
        const signature = ctx.headers["X-Signature"];
        if (signature === undefined) throw new HttpError(400, "X-Signature is missing");
        // Telling an attached CMS from a detached one is an emulator's job; this test marks
        // the attached kind by a prefix and checks only that 413 travels as documented.
        if (signature.startsWith("attached:")) {
          return {
            status: 413,
            body: {
              success: false,
              globalErrors: [{ error: "Прикрепленная подпись не поддерживается" }],
            },
          };
        }
        const verified = createVerify("sha256")
          .update(ctx.request.body)
          .verify(publicKey, Buffer.from(signature, "base64"));
        verifications.push(verified);
        return {
          status: 200,
          body: { status: "SUCCESS", omsConnection: CONNECTION, name: ctx.body.name ?? CONNECTION },
        };
      },
    },
    { formatError: formatSuzError, responseValidation: "strict" },
  );
  const viaStub = (extra = {}) =>
    client.createSuzClient({
      baseUrl: "http://suz-signed.test",
      validation: "strict",
      retry: false,
      fetch: (url: string | URL | Request, init?: RequestInit) =>
        router.fetch(new Request(url, init)),
      ...extra,
    });

  it("a middleware signs the exact body bytes the client sends, and the server can verify them", async () => {
    const c = viaStub({
      middleware: [
        {
          onRequest(request: { body: Uint8Array | undefined; headers: Headers }) {
            const signature = createSign("sha256")
              .update(request.body ?? new Uint8Array())
              .sign(privateKey);
            request.headers.set("X-Signature", signature.toString("base64"));
          },
        },
      ],
    });
    const result = await registerConnection(c, {
      query: { omsId: OMS_ID },
      headers: { "X-RegistrationKey": "4344d884-7f21-456c-981e-cd68e92391e8" },
      body: { address: "г.Москва, ул. Ленинские горы, 1", name: "Наименование" },
    });
    expect(result.data).toEqual({
      status: "SUCCESS",
      omsConnection: CONNECTION,
      name: "Наименование",
    });
    expect(verifications).toEqual([true]);
  });

  it("an attached signature is answered 413 with a СУЗ error body, thrown as ApiError", async () => {
    const c = viaStub();
    const error = await registerConnection(c, {
      query: { omsId: OMS_ID },
      headers: { "X-Signature": "attached:MIAG", "X-RegistrationKey": "k" },
      body: { address: "г.Москва" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).body).toMatchObject({ success: false });
  });
});
