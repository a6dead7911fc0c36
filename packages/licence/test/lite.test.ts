/**
 * `@trustspec/licence/lite`: the same operations without validation, against the generated MSW
 * mocks and against the emulator over real HTTP on 127.0.0.1 (a query, path parameters, a body,
 * error statuses); the signature choice the lite client requires (a check refuses a tampered
 * answer, `"off"` accepts it); validation that cannot be asked for.
 */
import { ConfigurationError, ValidationError } from "@trustspec/runtime";
import { expectLiteResponsesMatch } from "@trustspec-private/test-support";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import * as full from "../src/index.js";
import {
  ApiError,
  createLicenceClient,
  getApiInfo,
  getLicence,
  installLicence,
  isGetLicenceError,
  type LicenceLiteClient,
  LicenceSignatureError,
  licenceSignatureCheck,
  listLicences,
  readMemory,
  writeMemory,
} from "../src/lite.js";
import { createLicenceMockHandlers } from "../src/mocks.js";
import { LicenceEmulator } from "../src/server.js";
import { expectLicenceError, makeKeys, rejection } from "./support.js";

const credentials = { username: "admin", password: "admin" };

describe("against the MSW mocks", () => {
  const BASE = "http://licence-lite.mock.test";
  const keys = makeKeys();
  const otherKeys = makeKeys();
  const server = setupServer(
    ...createLicenceMockHandlers({ baseUrl: BASE, signingKey: keys.privateKey }),
  );
  const requests: Request[] = [];
  const bodies: Promise<string>[] = [];
  server.events.on("request:start", ({ request }) => {
    requests.push(request);
    bodies.push(request.clone().text());
  });
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    requests.length = 0;
    bodies.length = 0;
  });
  afterAll(() => server.close());

  const checked = (publicKey = keys.publicKey) =>
    createLicenceClient({
      baseUrl: BASE,
      retry: false,
      credentials,
      signature: licenceSignatureCheck({ publicKey }),
    });

  it("listLicences: a signed answer, checked, sent with Basic auth and a fresh QueryID", async () => {
    const { status, data, headers } = await listLicences(checked());
    expect(status).toBe(200);
    expect(Array.isArray(data.Licences)).toBe(true);
    expect(requests[0]!.headers.get("authorization")).toBe("Basic YWRtaW46YWRtaW4=");
    const sent = requests[0]!.headers.get("licence-queryid");
    expect(sent).toBeTruthy();
    expect(headers.get("licence-queryid")).toBe(sent);
  });

  it("getLicence and readMemory: path parameters and a query", async () => {
    const licence = await getLicence(checked(), { path: { KeyNo: 7131766 } });
    expect(licence.status).toBe(200);
    expect(licence.data.KeyNo).toBeTypeOf("number");
    const memory = await readMemory(checked(), {
      path: { KeyNo: 7131766 },
      query: { Password: "123456" },
    });
    expect(memory.status).toBe(200);
    const url = new URL(requests[1]!.url);
    expect(url.pathname).toBe("/api/licences/7131766/memory");
    expect(url.searchParams.get("Password")).toBe("123456");
  });

  it("writeMemory: a JSON body", async () => {
    const result = await writeMemory(checked(), {
      path: { KeyNo: 7131766 },
      body: { Password: "", Value: "x" },
    });
    expect(result.status).toBe(202);
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(await bodies[0]!)).toEqual({ Password: "", Value: "x" });
  });

  it("a request that breaks the contract is not refused by the client: the server's 400 comes back as an ApiError", async () => {
    const error = await rejection(
      // @ts-expect-error ActivationCodeString is required by the contract
      installLicence(checked(), { body: { ITN: 1234567890, IEC: null, BlankKeyNo: null } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as ApiError).status).toBe(400);
    expectLicenceError((error as ApiError).body, 400);
    // The guard of the main entry, re-exported, types the documented error.
    expect(isGetLicenceError(error)).toBe(false);
  });

  it("an answer signed with another key is refused by the check", async () => {
    const error = await rejection(listLicences(checked(otherKeys.publicKey)));
    expect(error).toBeInstanceOf(LicenceSignatureError);
  });

  describe("a tampered answer (one byte of the body changed after signing)", () => {
    const tampering: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      const text = (await answer.text()).replace('"Licences"', '"Licencez"');
      return new Response(text, { status: answer.status, headers: answer.headers });
    };

    it("is refused with a signature check", async () => {
      const client = createLicenceClient({
        baseUrl: BASE,
        credentials,
        fetch: tampering,
        signature: licenceSignatureCheck({ publicKey: keys.publicKey }),
      });
      const error = await rejection(listLicences(client));
      expect(error).toBeInstanceOf(LicenceSignatureError);
    });

    it('is accepted with signature: "off", and no QueryID is sent', async () => {
      const client = createLicenceClient({
        baseUrl: BASE,
        credentials,
        fetch: tampering,
        signature: "off",
      });
      const { data } = await listLicences(client);
      expect(data).toHaveProperty("Licencez");
      expect(requests[0]!.headers.has("licence-queryid")).toBe(false);
    });
  });
});

describe("against the emulator over HTTP on 127.0.0.1", () => {
  const emulator = new LicenceEmulator({
    activationCodes: {
      "1111-2222-3333-4444-5555": {
        KeyID: "9A0C",
        ProductName: "Мобильный клиент",
        Article: "4601546000001",
        ArticleName: "Лицензия на 2 мобильных клиента, 30 дней",
        LicenceCount: 2,
        Period: 30,
      },
    },
  });
  let url = "";
  let close: () => Promise<void> = async () => {};
  let client: LicenceLiteClient;
  beforeAll(async () => {
    ({ url, close } = await emulator.listen());
    client = createLicenceClient({
      baseUrl: url,
      retry: false,
      credentials,
      signature: licenceSignatureCheck({ publicKey: emulator.publicKey }),
    });
  });
  afterAll(() => close());

  it("listens on 127.0.0.1", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("installs a licence (body), lists it, reads it (path) and its memory (query)", async () => {
    const installed = await installLicence(client, {
      body: {
        ActivationCodeString: "1111-2222-3333-4444-5555",
        ITN: 7707083893,
        IEC: "770701001",
        BlankKeyNo: null,
      },
    });
    expect(installed.status).toBe(201);
    const keyNo = installed.data.KeyNo;
    expect((await listLicences(client)).data.Licences.map((l) => l.KeyNo)).toEqual([keyNo]);
    expect((await getLicence(client, { path: { KeyNo: keyNo } })).data).toEqual(installed.data);
    const memory = await readMemory(client, { path: { KeyNo: keyNo }, query: { Password: "" } });
    expect(memory.status).toBe(200);
  });

  it("an unknown licence is a 404 ApiError in the API's error format", async () => {
    const error = await rejection(getLicence(client, { path: { KeyNo: 999 } }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expectLicenceError((error as ApiError).body, 404);
    expect(isGetLicenceError(error)).toBe(true);
  });

  it("without credentials the emulator answers 401, signed", async () => {
    const anonymous = createLicenceClient({
      baseUrl: url,
      retry: false,
      signature: licenceSignatureCheck({ publicKey: emulator.publicKey }),
    });
    const error = await rejection(getApiInfo(anonymous));
    expect((error as ApiError).status).toBe(401);
  });
});

describe("the choices a lite client requires and refuses", () => {
  it("refuses a client without a signature choice", () => {
    // @ts-expect-error `signature` is required
    const error = rejectionSync(() => createLicenceClient({ baseUrl: "http://127.0.0.1:1" }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe("signature");
    expect((error as Error).message).toContain("licenceSignatureCheck()");
    // @ts-expect-error `signature` is required
    expect(() => createLicenceClient()).toThrow(ConfigurationError);
  });

  it("refuses a signature setting of the main entry (an object that is not a check)", () => {
    const error = rejectionSync(() =>
      // @ts-expect-error the main entry's settings object is not a check
      createLicenceClient({ signature: { policy: "require" } }),
    );
    expect((error as ConfigurationError).option).toBe("signature");
  });

  it("refuses any validation policy but off", () => {
    for (const policy of ["strict", "report"] as const) {
      const error = rejectionSync(() =>
        // @ts-expect-error a lite client has no validation to turn on
        createLicenceClient({ signature: "off", validation: policy }),
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe("validation");
    }
    expect(createLicenceClient({ signature: "off", validation: "off" }).lite).toBe(true);
  });

  it("a lite operation refuses a client of the main entry", async () => {
    const mainClient = full.createLicenceClient({ baseUrl: "http://127.0.0.1:1" });
    // @ts-expect-error a client of the main entry validates; the lite operations would not
    const error = await rejection(listLicences(mainClient));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe("client");
  });

  it("has the main entry's operation types", () => {
    expectTypeOf(listLicences).parameter(1).toEqualTypeOf<full.ListLicencesInput | undefined>();
    expectTypeOf<ReturnType<typeof listLicences>>().toEqualTypeOf<
      ReturnType<typeof full.listLicences>
    >();
    expectTypeOf(installLicence).parameter(1).toEqualTypeOf<full.InstallLicenceInput>();
    expectTypeOf<Awaited<ReturnType<typeof getLicence>>>().toEqualTypeOf<
      Awaited<ReturnType<typeof full.getLicence>>
    >();
  });
});

function rejectionSync(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("the lite descriptors", () => {
  it("read every documented answer as the full descriptors do", async () => {
    const { operationList } = await import("../src/generated/operations.gen.js");
    expectLiteResponsesMatch(
      operationList,
      await import("../src/generated/operations-lite.gen.js"),
    );
  });
});
