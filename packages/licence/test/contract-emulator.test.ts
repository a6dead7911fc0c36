/**
 * The 15 operations against the stateful emulator over real HTTP, with the client checking every
 * answer's signature (policy `require`, the emulator's public key) and the emulator checking its
 * own answers against the contract (`responseValidation: "strict"`). One realistic flow, in order:
 * install, list, memory and its passwords, update, sessions and connections, licence exhaustion,
 * expiry on an injected clock.
 */
import { ApiError, SchemaValidator } from "@trustspec/runtime";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { schemas } from "../src/generated/schemas.gen.js";
import {
  createLicenceClient,
  createQueryId,
  createSession,
  getApiInfo,
  getConnection,
  getLicence,
  getServerInfo,
  getSession,
  installLicence,
  type Licence,
  type LicenceClient,
  LicenceSignatureError,
  listConnections,
  listLicences,
  listSessions,
  readMemory,
  resetMemory,
  type Session,
  setMemoryPasswords,
  updateLicences,
  verifyLicenceSignature,
  writeMemory,
} from "../src/index.js";
import { LicenceEmulator, type LicenceTemplate } from "../src/server.js";
import { basic, expectLicenceError, makeKeys, rejection, sendRaw } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;
const START = new Date("2025-03-01T12:00:00.000Z");
const at = (days: number) => new Date(START.getTime() + days * DAY);
let now = START;

const CODE_30_DAYS = "1111-2222-3333-4444-5555";
const CODE_UNLIMITED = "9999-8888-7777-6666-5555";
const templates: Record<string, LicenceTemplate> = {
  [CODE_30_DAYS]: {
    KeyID: "9A0C",
    ProductName: "Мобильный клиент",
    Article: "4601546000001",
    ArticleName: "Лицензия на 2 мобильных клиента, 30 дней",
    LicenceCount: 2,
    Period: 30,
  },
  [CODE_UNLIMITED]: {
    KeyID: "672B",
    ProductName: "1С:Предприятие 8 ПРОФ",
    Article: "4601546041524",
    ArticleName: "Клиентская лицензия на 5 рабочих мест",
    LicenceCount: 5,
    Period: 0,
    RegNo: 202,
  },
};

const contractIssues: string[] = [];
const emulator = new LicenceEmulator({
  now: () => now,
  activationCodes: templates,
  responseValidation: "strict",
  onValidationIssue: (operationId, issues) =>
    contractIssues.push(`${operationId}: ${JSON.stringify(issues)}`),
});
const validator = new SchemaValidator(schemas);

let url = "";
let close: () => Promise<void> = async () => {};
let client: LicenceClient;
beforeAll(async () => {
  const served = await emulator.listen();
  url = served.url;
  close = served.close;
  client = createLicenceClient({
    baseUrl: url,
    retry: false,
    credentials: { username: "admin", password: "admin" },
    signature: { policy: "require", publicKey: emulator.publicKey },
  });
});
afterAll(() => close());
// Every answer of the emulator conforms to the contract (a breach would also have been a 500).
afterEach(() => expect(contractIssues).toEqual([]));

async function apiError(promise: Promise<unknown>, status: number): Promise<ApiError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
  expectLicenceError((error as ApiError).body, status);
  return error as ApiError;
}

let timed: Licence; // the 30-day licence, 2 seats
let unlimited: Licence;

describe("server information", () => {
  it("listens on 127.0.0.1", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("getApiInfo: the version and the four top-level addresses", async () => {
    const { status, data } = await getApiInfo(client);
    expect(status).toBe(200);
    expect(data).toEqual({
      Version: "3.0.34.11319",
      Urns: ["/api/serverinfo", "/api/licences", "/api/connections", "/api/sessions"],
    });
  });

  it("getServerInfo: started at the injected clock's time", async () => {
    const { status, data } = await getServerInfo(client);
    expect(status).toBe(200);
    expect(data.Started).toBe(START.toISOString());
    expect(data.Version).toBe("3.0.34.11319");
    expect(data.PID).toBe(process.pid);
    expect(validator.validate("ServerInfo", data)).toEqual([]);
  });

  it("starts empty: no licences, connections or sessions", async () => {
    expect((await listLicences(client)).data).toEqual({ Licences: [] });
    expect((await listConnections(client)).data).toEqual({ Connections: [] });
    expect((await listSessions(client)).data).toEqual({ Sessions: [] });
  });
});

describe("installing licences", () => {
  it("installLicence: 201 with the computed activation and expiry fields", async () => {
    const result = await installLicence(client, {
      body: {
        ActivationCodeString: CODE_30_DAYS,
        ITN: 7707083893,
        IEC: "770701001",
        BlankKeyNo: null,
      },
    });
    expect(result.status).toBe(201);
    timed = result.data;
    expect(Number.isInteger(timed.KeyNo)).toBe(true);
    expect(timed).toMatchObject({
      Type: "Virtual",
      Enabled: true,
      Workable: true,
      OpenError: null,
      KeyID: "9A0C",
      ActivationCode: CODE_30_DAYS,
      ActivationDate: START.toISOString(),
      StartDate: START.toISOString(),
      Period: 30,
      ExpireDate: at(30).toISOString(),
      DaysLeft: 30,
      Expired: false,
      LicenceCount: 2,
      ITN: 7707083893,
      IEC: "770701001",
      BlankKeyNo: null,
      ProductName: "Мобильный клиент",
    });
    expect(timed.FileName).toContain(`9A0C.${timed.KeyNo}.licence`);
    expect(validator.validate("Licence", timed)).toEqual([]);
  });

  it("an unlimited licence (Period 0) has no start, expiry or days left", async () => {
    const result = await installLicence(client, {
      body: { ActivationCodeString: CODE_UNLIMITED, ITN: 1234567890, IEC: null, BlankKeyNo: null },
    });
    expect(result.status).toBe(201);
    unlimited = result.data;
    expect(unlimited).toMatchObject({
      KeyID: "672B",
      RegNo: 202,
      ActivationDate: START.toISOString(),
      StartDate: null,
      Period: 0,
      ExpireDate: null,
      DaysLeft: null,
      Expired: false,
    });
    expect(unlimited.KeyNo).not.toBe(timed.KeyNo);
  });

  it("a code already installed, an unknown code and a malformed code are refused with 400", async () => {
    const body = (code: string) => ({
      body: { ActivationCodeString: code, ITN: 1234567890, IEC: null, BlankKeyNo: null },
    });
    for (const code of [CODE_30_DAYS, "1234-1234-1234-1234-1234", "4345-9320"]) {
      const error = await apiError(installLicence(client, body(code)), 400);
      expect(error.body).toMatchObject({ Exception: "EActivationError" });
    }
  });

  it("installing on a hardware key that is not connected is refused with 400", async () => {
    await apiError(
      installLicence(client, {
        body: { ActivationCodeString: CODE_30_DAYS, ITN: 1, IEC: null, BlankKeyNo: 555 },
      }),
      400,
    );
  });

  it("listLicences and getLicence show the installed licences as installed", async () => {
    const list = await listLicences(client);
    expect(list.status).toBe(200);
    expect(list.data.Licences).toHaveLength(2);
    expect(list.data.Licences).toEqual(expect.arrayContaining([timed, unlimited]));
    const one = await getLicence(client, { path: { KeyNo: timed.KeyNo } });
    expect(one.status).toBe(200);
    expect(one.data).toEqual(timed);
  });

  it("getLicence of an unknown KeyNo: 404 in the error format", async () => {
    const error = await apiError(getLicence(client, { path: { KeyNo: 1 } }), 404);
    expect(error.body).toMatchObject({ Text: "Not found", Exception: "ELicenceNotFound" });
  });

  it("DaysLeft follows the clock, ExpireDate does not move", async () => {
    now = at(10);
    const { data } = await getLicence(client, { path: { KeyNo: timed.KeyNo } });
    expect(data.DaysLeft).toBe(20);
    expect(data.ExpireDate).toBe(at(30).toISOString());
    expect(data.Expired).toBe(false);
    now = at(10.5);
    expect((await getLicence(client, { path: { KeyNo: timed.KeyNo } })).data.DaysLeft).toBe(20);
    now = at(10);
  });
});

describe("user memory", () => {
  const key = () => ({ KeyNo: timed.KeyNo });
  const read = (Password?: string) =>
    readMemory(client, { path: key(), ...(Password === undefined ? {} : { query: { Password } }) });

  it("write with the (empty) write password, then read back without a password", async () => {
    const written = await writeMemory(client, {
      path: key(),
      query: { Password: "", Value: "Это обычная модифицированная память" },
    });
    expect(written.status).toBe(202);
    expect(written.data).toBeUndefined();
    const { status, data } = await read();
    expect(status).toBe(200);
    expect(data).toEqual({ KeyNo: timed.KeyNo, Value: "Это обычная модифицированная память" });
  });

  it("the value may come in a JSON body, and a missing password counts as empty", async () => {
    await writeMemory(client, { path: key(), body: { Password: "", Value: "из тела" } });
    expect((await read("")).data.Value).toBe("из тела");
    await writeMemory(client, { path: key(), query: { Value: "только значение" } });
    expect((await read()).data.Value).toBe("только значение");
  });

  it("setMemoryPasswords: 202, then the read password is required", async () => {
    const set = await setMemoryPasswords(client, {
      path: key(),
      query: {
        ReadPassword: "",
        WritePassword: "",
        NewReadPassword: "чтение-1",
        NewWritePassword: "запись-1",
      },
    });
    expect(set.status).toBe(202);
    expect(set.data).toBeUndefined();
    for (const wrong of [undefined, "", "wrong"]) {
      const error = await apiError(read(wrong), 403);
      expect(error.body).toMatchObject({ Exception: "EAccessDenied" });
    }
    expect((await read("чтение-1")).data).toEqual({
      KeyNo: timed.KeyNo,
      Value: "только значение",
    });
  });

  it("the read password in a JSON body of the GET (sent with node:http), signed", async () => {
    for (const [password, status] of [
      ["чтение-1", 200],
      ["wrong", 403],
    ] as const) {
      const queryId = createQueryId();
      const answer = await sendRaw(`${url}/api/licences/${timed.KeyNo}/memory`, {
        method: "GET",
        headers: {
          authorization: basic("admin", "admin"),
          "content-type": "application/json",
          "licence-queryid": queryId,
        },
        body: JSON.stringify({ Password: password }),
      });
      expect(answer.status).toBe(status);
      expect(answer.headers.get("licence-queryid")).toBe(queryId);
      await expect(
        verifyLicenceSignature({
          sentQueryId: queryId,
          headers: answer.headers,
          body: answer.body,
          publicKey: emulator.publicKey,
        }),
      ).resolves.toBeUndefined();
      const body = JSON.parse(answer.text);
      if (status === 200) expect(body).toEqual({ KeyNo: timed.KeyNo, Value: "только значение" });
      else expectLicenceError(body, 403);
    }
  });

  it("writing needs the new write password; the old (empty) one is refused with 403", async () => {
    await apiError(writeMemory(client, { path: key(), query: { Password: "", Value: "x" } }), 403);
    const ok = await writeMemory(client, {
      path: key(),
      body: { Password: "запись-1", Value: "новое значение" },
    });
    expect(ok.status).toBe(202);
    expect((await read("чтение-1")).data.Value).toBe("новое значение");
  });

  it("changing the passwords needs both current ones (JSON body)", async () => {
    await apiError(
      setMemoryPasswords(client, {
        path: key(),
        body: { ReadPassword: "чтение-1", WritePassword: "wrong", NewReadPassword: "x" },
      }),
      403,
    );
    const ok = await setMemoryPasswords(client, {
      path: key(),
      body: {
        ReadPassword: "чтение-1",
        WritePassword: "запись-1",
        NewReadPassword: "чтение-2",
        NewWritePassword: "запись-2",
      },
    });
    expect(ok.status).toBe(202);
    await apiError(read("чтение-1"), 403);
    expect((await read("чтение-2")).data.Value).toBe("новое значение");
  });

  it("resetMemory: 202, then the memory is empty and readable with an empty password", async () => {
    const reset = await resetMemory(client, { path: key() });
    expect(reset.status).toBe(202);
    expect(reset.data).toBeUndefined();
    expect((await read("")).data).toEqual({ KeyNo: timed.KeyNo, Value: "" });
    await apiError(read("чтение-2"), 403);
  });

  it("memory of an unknown KeyNo: 404", async () => {
    await apiError(readMemory(client, { path: { KeyNo: 42 } }), 404);
    await apiError(resetMemory(client, { path: { KeyNo: 42 } }), 404);
    await apiError(writeMemory(client, { path: { KeyNo: 42 }, query: { Value: "x" } }), 404);
  });
});

describe("updating licences", () => {
  it("updateLicences: 200, a LicenceList stamped with UpdateDate", async () => {
    now = at(10.25);
    const { status, data } = await updateLicences(client);
    expect(status).toBe(200);
    expect(validator.validate("LicenceList", data)).toEqual([]);
    expect(data.Licences.map((l) => l.KeyNo).sort()).toEqual([timed.KeyNo, unlimited.KeyNo].sort());
    for (const l of data.Licences) expect(l.UpdateDate).toBe(at(10.25).toISOString());
    const after = await getLicence(client, { path: { KeyNo: timed.KeyNo } });
    expect(after.data.UpdateDate).toBe(at(10.25).toISOString());
    now = at(10);
  });
});

describe("sessions and connections", () => {
  let session: Session;
  const request = (ClientSessionID: string, KeyID = "9A0C") => ({
    body: {
      KeyID,
      ClientSessionID,
      AppName: "MobileClient",
      UserName: "MobileUser",
      ComputerName: "Androud Table Sevice",
      SessionStarted: "2020-01-01T12:52:20",
    },
  });

  it("createSession: 201 with the licence the new session took", async () => {
    const result = await createSession(client, request("0123456789ABCDEF"));
    expect(result.status).toBe(201);
    const current = (await getLicence(client, { path: { KeyNo: timed.KeyNo } })).data;
    expect(result.data).toEqual(current);
  });

  it("the same ClientSessionID again: 200 with the same licence, no new session", async () => {
    const first = await createSession(client, request("0123456789ABCDEF"));
    expect(first.status).toBe(200);
    expect(first.data.KeyNo).toBe(timed.KeyNo);
    expect((await listSessions(client)).data.Sessions).toHaveLength(1);
  });

  it("listSessions and getSession show the session", async () => {
    const { status, data } = await listSessions(client);
    expect(status).toBe(200);
    expect(data.Sessions).toHaveLength(1);
    session = data.Sessions[0]!;
    expect(session).toMatchObject({
      AppName: "MobileClient",
      UserName: "MobileUser",
      ComputerName: "Androud Table Sevice",
      SessionStarted: "2020-01-01T12:52:20.000Z",
      KeyID: "9A0C",
      UsedLicence: timed.KeyNo,
      Expired: "False",
      IsServer: false,
    });
    expect(session).not.toHaveProperty("ClientSessionID");
    const one = await getSession(client, { path: { ID: session.ID } });
    expect(one.status).toBe(200);
    expect(one.data).toEqual(session);
  });

  it("the connection the session came through appears in listConnections and getConnection", async () => {
    const { status, data } = await listConnections(client);
    expect(status).toBe(200);
    expect(data.Connections).toHaveLength(1);
    const connection = data.Connections[0]!;
    expect(connection.ID).toBe(session.SessionConnection);
    expect(connection).toMatchObject({ PeerIP: "127.0.0.1", KeyID: "9A0C", Expired: "False" });
    const one = await getConnection(client, { path: { ID: connection.ID } });
    expect(one.status).toBe(200);
    expect(one.data).toEqual(connection);
  });

  it("unknown session and connection ids: 404", async () => {
    await apiError(getSession(client, { path: { ID: "DB4AC14978FA4B5815A813550A031424B" } }), 404);
    await apiError(
      getConnection(client, { path: { ID: "AF72CC4124DD4B588AA9039D31035A5C" } }),
      404,
    );
  });

  it("LicenceCount exhaustion: the third different session of a 2-seat licence is refused", async () => {
    const second = await createSession(client, request("second-device"));
    expect(second.status).toBe(201);
    expect(second.data.KeyNo).toBe(timed.KeyNo);
    const error = await apiError(createSession(client, request("third-device")), 404);
    expect(error.body).toMatchObject({ Exception: "ELicenceNotFound" });
    // The sessions already holding a seat keep it.
    expect((await createSession(client, request("0123456789ABCDEF"))).status).toBe(200);
    expect((await listSessions(client)).data.Sessions).toHaveLength(2);
  });

  it("licence filters of the request (ITN, KeyNo) that match nothing: refused", async () => {
    await apiError(
      createSession(client, { body: { ...request("filtered", "672B").body, ITN: 1 } }),
      404,
    );
    const ok = await createSession(client, {
      body: { ...request("filtered", "672B").body, KeyNo: unlimited.KeyNo },
    });
    expect(ok.status).toBe(201);
    expect(ok.data.KeyNo).toBe(unlimited.KeyNo);
  });
});

describe("expiry on the injected clock", () => {
  it("past ExpireDate the licence is Expired with DaysLeft 0, and gives no new session", async () => {
    now = at(31);
    const { data } = await getLicence(client, { path: { KeyNo: timed.KeyNo } });
    expect(data).toMatchObject({ Expired: true, DaysLeft: 0, ExpireDate: at(30).toISOString() });
    const listed = (await listLicences(client)).data.Licences.find((l) => l.KeyNo === timed.KeyNo);
    expect(listed).toEqual(data);
    // The unlimited licence never expires.
    const other = await getLicence(client, { path: { KeyNo: unlimited.KeyNo } });
    expect(other.data).toMatchObject({ Expired: false, DaysLeft: null, ExpireDate: null });
    await apiError(
      createSession(client, { body: { KeyID: "9A0C", ClientSessionID: "late", AppName: "x" } }),
      404,
    );
  });

  it("at the exact ExpireDate the licence is expired; a moment before, one day is left", async () => {
    now = new Date(at(30).getTime() - 1);
    expect((await getLicence(client, { path: { KeyNo: timed.KeyNo } })).data).toMatchObject({
      Expired: false,
      DaysLeft: 1,
    });
    now = at(30);
    expect((await getLicence(client, { path: { KeyNo: timed.KeyNo } })).data).toMatchObject({
      Expired: true,
      DaysLeft: 0,
    });
    now = at(31);
  });

  it("the sessions' lifetime ran out too: they are listed as Expired", async () => {
    const { data } = await listSessions(client);
    expect(data.Sessions.length).toBeGreaterThan(0);
    for (const s of data.Sessions) expect(s.Expired).toBe("True");
    for (const c of (await listConnections(client)).data.Connections)
      expect(c.Expired).toBe("True");
  });
});

describe("signatures and authentication", () => {
  const other = makeKeys();

  it("every answer echoes the QueryID the client chose", async () => {
    const queryId = "20200127230600";
    const result = await getApiInfo(client, { headers: { "Licence-QueryID": queryId } });
    expect(result.headers.get("licence-queryid")).toBe(queryId);
  });

  it("a client holding a different public key rejects answers, errors included", async () => {
    const stranger = createLicenceClient({
      baseUrl: url,
      retry: false,
      credentials: { username: "admin", password: "admin" },
      signature: { policy: "require", publicKey: other.publicKey },
    });
    for (const call of [
      getApiInfo(stranger),
      listLicences(stranger),
      getLicence(stranger, { path: { KeyNo: 1 } }), // a 404
      writeMemory(stranger, { path: { KeyNo: timed.KeyNo }, query: { Value: "" } }), // a 202 without a body
    ]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(LicenceSignatureError);
      expect((error as LicenceSignatureError).reason).toBe("invalid-signature");
    }
  });

  it("the vendor key (the client's default) does not verify the emulator's answers", async () => {
    const vendorKeyed = createLicenceClient({
      baseUrl: url,
      retry: false,
      credentials: { username: "admin", password: "admin" },
    });
    expect(await rejection(getApiInfo(vendorKeyed))).toBeInstanceOf(LicenceSignatureError);
  });

  it("without credentials or with wrong ones: 401, signed, with a Basic challenge", async () => {
    for (const credentials of [undefined, { username: "admin", password: "wrong" }]) {
      const c = createLicenceClient({
        baseUrl: url,
        retry: false,
        ...(credentials ? { credentials } : {}),
        signature: { policy: "require", publicKey: emulator.publicKey },
      });
      const error = await apiError(listLicences(c), 401);
      expect(error.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    }
  });
});
