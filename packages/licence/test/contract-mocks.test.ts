/**
 * The 15 operations of the licensing-server API, called with the client against the MSW mocks of
 * src/mocks.ts: signed default answers that conform to the contract, 400 answers in the API's
 * error format for requests that break it, overrides, seeds, and the two commands that share
 * POST /api/licences/{KeyNo}/memory.
 */
import { ApiError, type ApiResult, SchemaValidator, ValidationError } from "@trustspec/runtime";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";
import type { LicenceHandlers } from "../src/generated/server.gen.js";
import {
  createLicenceClient,
  createSession,
  type GetLicenceInput,
  getApiInfo,
  getConnection,
  getLicence,
  getServerInfo,
  getSession,
  type InstallLicenceInput,
  installLicence,
  type LicenceClient,
  LicenceSignatureError,
  listConnections,
  listLicences,
  listSessions,
  readMemory,
  resetMemory,
  setMemoryPasswords,
  updateLicences,
  type WriteMemoryInput,
  writeMemory,
} from "../src/index.js";
import { createLicenceMockHandlers, defaultLicenceHandlers } from "../src/mocks.js";
import { expectLicenceError, makeKeys, rejection } from "./support.js";

const BASE = "http://licence.mock.test";
const keys = makeKeys();
const otherKeys = makeKeys();
const validator = new SchemaValidator(schemas);

const server = setupServer(
  ...createLicenceMockHandlers({ baseUrl: BASE, signingKey: keys.privateKey }),
);
const requests: Request[] = [];
server.events.on("request:start", ({ request }) => {
  requests.push(request);
});
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

function client(
  options: {
    validation?: "strict" | "report" | "off";
    onIssue?: (e: ValidationError) => void;
  } = {},
) {
  return createLicenceClient({
    baseUrl: BASE,
    retry: false,
    credentials: { username: "admin", password: "admin" },
    signature: { policy: "require", publicKey: keys.publicKey },
    ...(options.validation ? { validation: options.validation } : {}),
    ...(options.onIssue ? { onValidationIssue: options.onIssue } : {}),
  });
}

interface Case {
  operationId: string;
  call: (c: LicenceClient) => Promise<ApiResult>;
  status: number;
  schema?: string;
}

const KEY = 7131766;
const cases: Case[] = [
  { operationId: "getApiInfo", call: (c) => getApiInfo(c), status: 200, schema: "ApiInfo" },
  {
    operationId: "getServerInfo",
    call: (c) => getServerInfo(c),
    status: 200,
    schema: "ServerInfo",
  },
  { operationId: "listLicences", call: (c) => listLicences(c), status: 200, schema: "LicenceList" },
  {
    operationId: "getLicence",
    call: (c) => getLicence(c, { path: { KeyNo: KEY } }),
    status: 200,
    schema: "Licence",
  },
  {
    operationId: "readMemory",
    call: (c) => readMemory(c, { path: { KeyNo: KEY }, query: { Password: "123456" } }),
    status: 200,
    schema: "MemoryValue",
  },
  {
    operationId: "writeMemory",
    call: (c) => writeMemory(c, { path: { KeyNo: KEY }, body: { Password: "", Value: "x" } }),
    status: 202,
  },
  {
    operationId: "setMemoryPasswords",
    call: (c) =>
      setMemoryPasswords(c, {
        path: { KeyNo: KEY },
        query: { ReadPassword: "", WritePassword: "", NewReadPassword: "r", NewWritePassword: "w" },
      }),
    status: 202,
  },
  {
    operationId: "resetMemory",
    call: (c) => resetMemory(c, { path: { KeyNo: KEY } }),
    status: 202,
  },
  {
    operationId: "installLicence",
    call: (c) =>
      installLicence(c, {
        body: {
          ActivationCodeString: "4345-9320-2035-7421-5361",
          ITN: 1234567890,
          IEC: null,
          BlankKeyNo: null,
        },
      }),
    status: 201,
    schema: "Licence",
  },
  {
    operationId: "updateLicences",
    call: (c) => updateLicences(c),
    status: 200,
    schema: "LicenceList",
  },
  {
    operationId: "listConnections",
    call: (c) => listConnections(c),
    status: 200,
    schema: "ConnectionList",
  },
  {
    operationId: "getConnection",
    call: (c) => getConnection(c, { path: { ID: "AF72CC4124DD4B588AA9039D31035A5C" } }),
    status: 200,
    schema: "Connection",
  },
  { operationId: "listSessions", call: (c) => listSessions(c), status: 200, schema: "SessionList" },
  {
    operationId: "getSession",
    call: (c) => getSession(c, { path: { ID: "DB4AC14978FA4B5815A813550A031424B" } }),
    status: 200,
    schema: "Session",
  },
  {
    operationId: "createSession",
    call: (c) =>
      createSession(c, {
        body: { KeyID: "672B", ClientSessionID: "0123456789ABCDEF", AppName: "MobileClient" },
      }),
    status: 200,
    schema: "Licence",
  },
];

describe("every operation against the default mocks", () => {
  it("the table covers the 15 operations of the contract", () => {
    expect(cases.map((c) => c.operationId).sort()).toEqual(
      operationList.map((op) => op.operationId).sort(),
    );
    expect(cases).toHaveLength(15);
  });

  it.each(cases)("$operationId answers $status, signed, with data that conforms", async (c) => {
    const result = await c.call(client());
    expect(result.status).toBe(c.status);
    if (c.schema) {
      expect(result.data).toBeTypeOf("object");
      expect(validator.validate(c.schema, result.data)).toEqual([]);
    } else {
      expect(result.data).toBeUndefined();
    }
    // The QueryID the middleware sent is echoed, and the answer is signed over it.
    expect(requests).toHaveLength(1);
    const sent = requests[0]!.headers.get("licence-queryid");
    expect(sent).toBeTruthy();
    expect(result.headers.get("licence-queryid")).toBe(sent);
    expect(result.headers.get("licence-signature")).toMatch(/^[A-Za-z0-9+/]{342}==$/);
  });

  it.each(cases)(
    "$operationId: a client holding another public key rejects the answer",
    async (c) => {
      const stranger = createLicenceClient({
        baseUrl: BASE,
        signature: { policy: "require", publicKey: otherKeys.publicKey },
      });
      const error = await rejection(c.call(stranger));
      expect(error).toBeInstanceOf(LicenceSignatureError);
      expect((error as LicenceSignatureError).reason).toBe("invalid-signature");
    },
  );

  it("the default answers of every operation conform to the contract for many seeds", () => {
    for (let seed = 1; seed <= 25; seed++) {
      const handlers = defaultLicenceHandlers(seed) as unknown as Record<
        string,
        () => { status: number; body?: unknown }
      >;
      for (const op of operationList) {
        const reply = handlers[op.operationId]!();
        expect(op.success).toContain(reply.status);
        const schema = op.responses[String(reply.status)]?.schema;
        if (schema)
          expect(validator.validate(schema, reply.body), `${op.operationId} seed ${seed}`).toEqual(
            [],
          );
        else expect(reply.body).toBeUndefined();
      }
    }
  });
});

describe("requests that break the contract", () => {
  it("getLicence with a non-integer KeyNo (a cast) gets 400 in the error format", async () => {
    const reported: ValidationError[] = [];
    const c = client({ validation: "report", onIssue: (e) => reported.push(e) });
    for (const KeyNo of ["abc", 1.5]) {
      const error = await rejection(
        getLicence(c, { path: { KeyNo } } as unknown as GetLicenceInput),
      );
      expect(error).toBeInstanceOf(ApiError);
      const api = error as ApiError;
      expect(api.status).toBe(400);
      expectLicenceError(api.body, 400);
      expect((api.body as { Message: string }).Message).toContain("/path/KeyNo");
    }
    // The client saw the problem too, but under `report` it sent the request anyway.
    expect(reported.map((e) => e.direction)).toEqual(["request", "request"]);
    expect(requests).toHaveLength(2);
  });

  it("a strict client refuses the same request before sending it", async () => {
    const error = await rejection(
      getLicence(client(), { path: { KeyNo: "abc" } } as unknown as GetLicenceInput),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).direction).toBe("request");
    expect(requests).toHaveLength(0);
  });

  it("installLicence without ActivationCodeString (client validation off) gets 400", async () => {
    const body = { ITN: 1234567890, IEC: null, BlankKeyNo: null };
    const error = await rejection(
      installLicence(client({ validation: "off" }), { body } as unknown as InstallLicenceInput),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expectLicenceError((error as ApiError).body, 400);
    expect((error as ApiError).body).toMatchObject({
      Exception: "EHTTPBadRequest",
      Message: expect.stringContaining("ActivationCodeString"),
    });
  });

  it.each([
    [
      "ITN as a string",
      { ActivationCodeString: "1-2", ITN: "1234567890", IEC: null, BlankKeyNo: null },
    ],
    ["BlankKeyNo as a string", { ActivationCodeString: "1-2", ITN: 1, IEC: null, BlankKeyNo: "x" }],
    ["not an object", ["ActivationCodeString"]],
  ])("installLicence with %s gets 400", async (_name, body) => {
    const error = await rejection(
      installLicence(client({ validation: "off" }), { body } as unknown as InstallLicenceInput),
    );
    expect((error as ApiError).status).toBe(400);
    expectLicenceError((error as ApiError).body, 400);
  });

  it("createSession without ClientSessionID gets 400", async () => {
    const error = await rejection(
      createSession(client({ validation: "off" }), {
        body: { KeyID: "672B", AppName: "x" },
      } as never),
    );
    expect((error as ApiError).status).toBe(400);
    expectLicenceError((error as ApiError).body, 400);
    expect((error as ApiError).body).toMatchObject({
      Message: expect.stringContaining("ClientSessionID"),
    });
  });

  it("POST memory naming neither command's parameters gets 400", async () => {
    const error = await rejection(
      writeMemory(client(), { path: { KeyNo: KEY } } as WriteMemoryInput),
    );
    expect((error as ApiError).status).toBe(400);
    expectLicenceError((error as ApiError).body, 400);
    expect((error as ApiError).body).toMatchObject({
      Message: expect.stringContaining("ReadPassword"),
    });
  });
});

describe("overrides", () => {
  const licence = {
    Type: "Virtual",
    FileName: "C:\\ProgramData\\1C\\Licence\\Data\\672B.7131766.licence",
    Enabled: true,
    IsBlank: false,
    Workable: true,
    OpenError: null,
    Version: "6",
    KeyNo: KEY,
    KeyID: "672B",
    RegNo: 202,
    KeyType: 3,
    ServiceType: 0,
    LicenceCount: 5,
    ProductVersion: 0,
    BlankKeyNo: null,
    ActivationCode: "4345-9320-2035-7421-5361",
    ActivationDate: "2018-03-30T21:00:00.414Z",
    StartDate: null,
    Period: 0,
    ExpireDate: null,
    DaysLeft: null,
    Expired: false,
    Flags: "00000000000000000000000000000000",
    ITN: 1234567890,
    IEC: null,
    ProductName: "Тестовая серия",
    Article: "1111111111111",
    ArticleName: "Тестовая номенклатура",
  } as const;

  function use(overrides: Partial<LicenceHandlers>) {
    server.use(
      ...createLicenceMockHandlers({ baseUrl: BASE, signingKey: keys.privateKey, overrides }),
    );
  }

  it("an override replaces the default answer and sees the converted request", async () => {
    const seen: unknown[] = [];
    use({
      getLicence: (ctx) => {
        seen.push(ctx.path.KeyNo);
        return { status: 200, body: { ...licence, KeyNo: ctx.path.KeyNo } };
      },
    });
    const result = await getLicence(client(), { path: { KeyNo: 7121172 } });
    expect(result.data).toEqual({ ...licence, KeyNo: 7121172 });
    expect(seen).toEqual([7121172]); // a number: the path text was converted
    // Operations without an override keep their default answers.
    const info = await getApiInfo(client());
    const defaults = defaultLicenceHandlers() as unknown as Record<string, () => { body: unknown }>;
    expect(info.data).toEqual(defaults.getApiInfo!().body);
  });

  it("an override can answer an error status in the API's format", async () => {
    use({
      getLicence: () => ({
        status: 404,
        body: {
          Code: 404,
          Text: "Not found",
          Message: "(ELicenceNotFound) no",
          Exception: "ELicenceNotFound",
        },
      }),
    });
    const error = await rejection(getLicence(client(), { path: { KeyNo: 1 } }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expectLicenceError((error as ApiError).body, 404);
  });

  it("an override whose answer breaks the contract is turned into a signed 500", async () => {
    use({ getLicence: () => ({ status: 200, body: { ...licence, Type: "Floppy" } as never }) });
    const error = await rejection(getLicence(client(), { path: { KeyNo: KEY } }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(500);
    expect((error as ApiError).body).toMatchObject({ Code: 500, Exception: "EContractViolation" });
  });

  it("an override that throws gets a 500 in the error format", async () => {
    use({
      listSessions: () => {
        throw new Error("boom");
      },
    });
    const error = await rejection(listSessions(client()));
    expect((error as ApiError).status).toBe(500);
    expectLicenceError((error as ApiError).body, 500);
  });
});

describe("seeds", () => {
  const withBodies = cases.filter((c) => c.schema);

  async function answers(seed: number | undefined): Promise<unknown[]> {
    server.resetHandlers();
    server.use(
      ...createLicenceMockHandlers({
        baseUrl: BASE,
        signingKey: keys.privateKey,
        ...(seed === undefined ? {} : { seed }),
      }),
    );
    const out: unknown[] = [];
    for (const c of withBodies) out.push((await c.call(client())).data);
    return out;
  }

  it("the same seed gives the same data; another seed gives different data", async () => {
    const a = await answers(7);
    const b = await answers(7);
    const other = await answers(8);
    expect(b).toEqual(a);
    withBodies.forEach((c, i) => {
      expect(other[i], c.operationId).not.toEqual(a[i]);
    });
    // No seed means seed 1.
    expect(await answers(undefined)).toEqual(await answers(1));
  });
});

describe("writeMemory and setMemoryPasswords share POST /api/licences/{KeyNo}/memory", () => {
  const calls: { op: string; query: unknown; body: unknown }[] = [];
  afterEach(() => {
    calls.length = 0;
  });

  function record() {
    server.use(
      ...createLicenceMockHandlers({
        baseUrl: BASE,
        signingKey: keys.privateKey,
        overrides: {
          writeMemory: (ctx) => {
            calls.push({ op: "writeMemory", query: ctx.query, body: ctx.body });
            return { status: 202 };
          },
          setMemoryPasswords: (ctx) => {
            calls.push({ op: "setMemoryPasswords", query: ctx.query, body: ctx.body });
            return { status: 202 };
          },
        },
      }),
    );
  }

  it("each reaches its own handler, with the parameters in the query", async () => {
    record();
    await writeMemory(client(), { path: { KeyNo: KEY }, query: { Password: "", Value: "v" } });
    await setMemoryPasswords(client(), {
      path: { KeyNo: KEY },
      query: { ReadPassword: "a", NewReadPassword: "b" },
    });
    expect(calls).toEqual([
      { op: "writeMemory", query: { Password: "", Value: "v" }, body: undefined },
      {
        op: "setMemoryPasswords",
        query: { ReadPassword: "a", NewReadPassword: "b" },
        body: undefined,
      },
    ]);
    expect(requests.map((r) => new URL(r.url).search)).toEqual([
      "?Password=&Value=v",
      "?ReadPassword=a&NewReadPassword=b",
    ]);
  });

  it("each reaches its own handler, with the parameters in a JSON body", async () => {
    record();
    await setMemoryPasswords(client(), {
      path: { KeyNo: KEY },
      body: {
        ReadPassword: "123456",
        WritePassword: "123456",
        NewReadPassword: "",
        NewWritePassword: "111111",
      },
    });
    await writeMemory(client(), { path: { KeyNo: KEY }, body: { Value: "only a value" } });
    expect(calls).toEqual([
      {
        op: "setMemoryPasswords",
        query: {},
        body: {
          ReadPassword: "123456",
          WritePassword: "123456",
          NewReadPassword: "",
          NewWritePassword: "111111",
        },
      },
      { op: "writeMemory", query: {}, body: { Value: "only a value" } },
    ]);
  });

  it("a raw request is routed by the parameter names it carries", async () => {
    record();
    const post = (query: string) =>
      fetch(`${BASE}/api/licences/${KEY}/memory${query}`, { method: "POST" });
    expect((await post("?NewWritePassword=1")).status).toBe(202);
    expect((await post("?Value=1")).status).toBe(202);
    expect((await post("?Unrelated=1")).status).toBe(400);
    expect(calls.map((c) => c.op)).toEqual(["setMemoryPasswords", "writeMemory"]);
  });
});

describe("unsigned mocks", () => {
  it("without signingKey the answers carry no signature, which a requiring client rejects", async () => {
    server.resetHandlers();
    server.use(...createLicenceMockHandlers({ baseUrl: BASE }));
    const error = await rejection(getApiInfo(client()));
    expect(error).toBeInstanceOf(LicenceSignatureError);
    expect((error as LicenceSignatureError).reason).toBe("missing-signature");
    const off = createLicenceClient({ baseUrl: BASE, signature: { policy: "off" } });
    expect((await getApiInfo(off)).status).toBe(200);
  });

  it("a caller's own onResponse hook runs before signing, so the signature covers its changes", async () => {
    const replaced = { Version: "3.0.34.11319", Urns: ["/api/licences"] };
    server.resetHandlers();
    server.use(
      ...createLicenceMockHandlers({
        baseUrl: BASE,
        signingKey: keys.privateKey,
        router: {
          onResponse: (response, _request, op) => {
            if (op?.operationId !== "getApiInfo") return;
            response.body = new TextEncoder().encode(JSON.stringify(replaced));
            response.headers["licence-serverversion"] = "3.0.34.11319,Linux,x86_64";
          },
        },
      }),
    );
    const result = await getApiInfo(client());
    expect(result.data).toEqual(replaced);
    expect(result.headers.get("licence-serverversion")).toBe("3.0.34.11319,Linux,x86_64");
  });

  it("a key that cannot sign is refused when the handlers are made", () => {
    expect(() => createLicenceMockHandlers({ baseUrl: BASE, signingKey: keys.publicKey })).toThrow(
      /private/,
    );
    expect(() => createLicenceMockHandlers({ baseUrl: BASE, signingKey: "not a pem" })).toThrow();
  });
});
