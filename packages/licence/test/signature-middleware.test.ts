/**
 * The client's signature middleware and its three policies, against answers served by MSW:
 * genuine ones from the signed mocks, and forged ones from plain msw handlers (tampered body,
 * missing signature, a QueryID echo that does not match).
 */
import { ApiError } from "@trustspec/runtime";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createLicenceClient,
  getApiInfo,
  getLicence,
  type LicenceSignatureError,
  listLicences,
  LicenceSignatureError as SignatureError,
  writeMemory,
} from "../src/index.js";
import { createLicenceMockHandlers } from "../src/mocks.js";
import { signLicenceResponse } from "../src/server.js";
import { makeKeys, rejection } from "./support.js";

const BASE = "http://licence.signed.test";
const keys = makeKeys();
const encoder = new TextEncoder();

const server = setupServer(
  ...createLicenceMockHandlers({ baseUrl: BASE, signingKey: keys.privateKey }),
);
const sentQueryIds: (string | null)[] = [];
server.events.on("request:start", ({ request }) => {
  sentQueryIds.push(request.headers.get("licence-queryid"));
});
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  sentQueryIds.length = 0;
});
afterAll(() => server.close());

const API_INFO = { Version: "3.0.34.11319", Urns: ["/api/licences"] };
const NOT_FOUND = {
  Code: 404,
  Text: "Not found",
  Message: "(ELicenceNotFound) Licence 1 was not found.",
  Exception: "ELicenceNotFound",
};

interface Forgery {
  /** Sign bytes that differ from the body sent in one byte. */
  flip?: boolean;
  /** Leave the signature header out. */
  unsigned?: boolean;
  /** Echo (and sign with) this QueryID instead of the one received. */
  echo?: string | null;
  /** Send the signature under the document's header name. */
  alias?: boolean;
  status?: number;
  body?: unknown;
}

/** A plain msw handler that answers like the server, with the forgery asked for. */
function forged(method: "get" | "post", path: string, f: Forgery = {}) {
  return http[method](`${BASE}${path}`, ({ request }) => {
    const received = request.headers.get("licence-queryid") ?? "";
    const queryId = f.echo === undefined ? received : (f.echo ?? "");
    const body = encoder.encode(JSON.stringify(f.body ?? API_INFO));
    const signed = Uint8Array.from(body);
    if (f.flip) signed[signed.length - 2]! ^= 0x01;
    const headers: Record<string, string> = { "content-type": "application/json;charset=utf-8" };
    if (f.echo !== null && queryId !== "") headers["licence-queryid"] = queryId;
    if (!f.unsigned) {
      const signature = signLicenceResponse({ queryId, body: signed, privateKey: keys.privateKey });
      headers[f.alias ? "Licence-QuerySignature" : "licence-signature"] = signature;
    }
    return new HttpResponse(body, { status: f.status ?? 200, headers });
  });
}

function client(
  policy: "require" | "report" | "off",
  extra: { onReport?: (e: LicenceSignatureError) => void; createQueryId?: () => string } = {},
) {
  return createLicenceClient({
    baseUrl: BASE,
    retry: false,
    signature: { policy, publicKey: keys.publicKey, ...extra },
  });
}

async function signatureFailure(promise: Promise<unknown>): Promise<LicenceSignatureError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(SignatureError);
  return error as LicenceSignatureError;
}

describe("policy require (the default)", () => {
  it("the forging handler is faithful when it forges nothing", async () => {
    server.use(forged("get", "/api"));
    expect((await getApiInfo(client("require"))).data).toEqual(API_INFO);
  });

  it("rejects a tampered answer (signed over bytes that differ from the body)", async () => {
    server.use(forged("get", "/api", { flip: true }));
    expect((await signatureFailure(getApiInfo(client("require")))).reason).toBe(
      "invalid-signature",
    );
  });

  it("rejects an answer without a signature header", async () => {
    server.use(forged("get", "/api", { unsigned: true }));
    expect((await signatureFailure(getApiInfo(client("require")))).reason).toBe(
      "missing-signature",
    );
  });

  it("rejects an answer whose QueryID echo differs, even though it is validly signed", async () => {
    server.use(forged("get", "/api", { echo: "20200127230600" }));
    const error = await signatureFailure(getApiInfo(client("require")));
    expect(error.reason).toBe("query-id-mismatch");
    expect(error.message).toContain("20200127230600");
  });

  it("rejects an answer that does not echo the QueryID at all", async () => {
    server.use(forged("get", "/api", { echo: null }));
    expect((await signatureFailure(getApiInfo(client("require")))).reason).toBe("missing-query-id");
  });

  it("accepts the signature under the document's header name Licence-QuerySignature", async () => {
    server.use(forged("get", "/api", { alias: true }));
    expect((await getApiInfo(client("require"))).data).toEqual(API_INFO);
  });

  it("is what createLicenceClient does without signature options (with the vendor key)", async () => {
    // The mocks sign with a test key, so the vendor key cannot verify them.
    const plain = createLicenceClient({ baseUrl: BASE, retry: false });
    expect((await signatureFailure(getApiInfo(plain))).reason).toBe("invalid-signature");
    expect(sentQueryIds).toHaveLength(1);
    expect(sentQueryIds[0]).toBeTruthy();
  });

  it("checks answers without a body (202) too", async () => {
    server.use(
      http.post(
        `${BASE}/api/licences/:KeyNo/memory`,
        () => new HttpResponse(null, { status: 202 }),
      ),
    );
    const error = await signatureFailure(
      writeMemory(client("require"), { path: { KeyNo: 1 }, query: { Value: "x" } }),
    );
    expect(error.reason).toBe("missing-signature");
  });

  it("checks the signature before the body is parsed: a forged non-JSON answer is a signature error", async () => {
    server.use(
      http.get(`${BASE}/api`, () => HttpResponse.text("<html>proxy error</html>", { status: 200 })),
    );
    expect((await signatureFailure(getApiInfo(client("require")))).reason).toBe(
      "missing-signature",
    );
  });
});

describe("error answers are verified as well", () => {
  it("a genuine signed 404 becomes an ApiError with the body", async () => {
    server.use(forged("get", "/api/licences/:KeyNo", { status: 404, body: NOT_FOUND }));
    const error = await rejection(getLicence(client("require"), { path: { KeyNo: 1 } }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).body).toEqual(NOT_FOUND);
  });

  it("a tampered 404 is a LicenceSignatureError, not an ApiError", async () => {
    server.use(forged("get", "/api/licences/:KeyNo", { status: 404, body: NOT_FOUND, flip: true }));
    const error = await signatureFailure(getLicence(client("require"), { path: { KeyNo: 1 } }));
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error.reason).toBe("invalid-signature");
  });

  it("an unsigned 500 is a LicenceSignatureError", async () => {
    server.use(
      forged("get", "/api/licences", {
        status: 500,
        unsigned: true,
        body: { Code: 500, Text: "Internal Server Error", Message: "(E) x", Exception: "E" },
      }),
    );
    expect((await signatureFailure(listLicences(client("require")))).reason).toBe(
      "missing-signature",
    );
  });
});

describe("policy report", () => {
  it("hands each failure to onReport and returns the data", async () => {
    const reports: LicenceSignatureError[] = [];
    const c = client("report", { onReport: (e) => reports.push(e) });
    server.use(forged("get", "/api", { flip: true }));
    expect((await getApiInfo(c)).data).toEqual(API_INFO);
    server.resetHandlers();
    server.use(forged("get", "/api", { unsigned: true }));
    expect((await getApiInfo(c)).data).toEqual(API_INFO);
    expect(reports.map((r) => r.reason)).toEqual(["invalid-signature", "missing-signature"]);
    for (const r of reports) expect(r).toBeInstanceOf(SignatureError);
  });

  it("reports nothing for a good answer, and still sends a QueryID", async () => {
    const reports: LicenceSignatureError[] = [];
    const result = await getApiInfo(client("report", { onReport: (e) => reports.push(e) }));
    expect(result.status).toBe(200);
    expect(reports).toEqual([]);
    expect(sentQueryIds[0]).toBeTruthy();
  });

  it("works without an onReport callback", async () => {
    server.use(forged("get", "/api", { flip: true }));
    expect((await getApiInfo(client("report"))).data).toEqual(API_INFO);
  });

  it("an error answer under report is still an ApiError after the report", async () => {
    const reports: LicenceSignatureError[] = [];
    server.use(forged("get", "/api/licences/:KeyNo", { status: 404, body: NOT_FOUND, flip: true }));
    const error = await rejection(
      getLicence(client("report", { onReport: (e) => reports.push(e) }), { path: { KeyNo: 1 } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(reports.map((r) => r.reason)).toEqual(["invalid-signature"]);
  });
});

describe("policy off", () => {
  it("sends no Licence-QueryID and accepts unsigned and tampered answers", async () => {
    const c = client("off");
    server.use(forged("get", "/api", { unsigned: true }));
    expect((await getApiInfo(c)).data).toEqual(API_INFO);
    server.resetHandlers();
    server.use(forged("get", "/api", { flip: true, echo: "someone else's" }));
    expect((await getApiInfo(c)).data).toEqual(API_INFO);
    expect(sentQueryIds).toEqual([null, null]);
  });
});

describe("QueryIDs", () => {
  it("a distinct QueryID per request, echoed by the server", async () => {
    const c = client("require");
    const echoed: (string | null)[] = [];
    for (let i = 0; i < 25; i++) echoed.push((await getApiInfo(c)).headers.get("licence-queryid"));
    expect(sentQueryIds).toHaveLength(25);
    expect(new Set(sentQueryIds).size).toBe(25);
    expect(echoed).toEqual(sentQueryIds);
    for (const id of sentQueryIds) expect(id).toMatch(/^\d{17}-[0-9a-f-]{36}$/);
  });

  it("concurrent requests each get their own QueryID and their own check", async () => {
    const c = client("require");
    const results = await Promise.all(Array.from({ length: 10 }, () => getApiInfo(c)));
    const ids = results.map((r) => r.headers.get("licence-queryid"));
    expect(new Set(ids).size).toBe(10);
    expect([...sentQueryIds].sort()).toEqual([...ids].sort());
  });

  it("createQueryId replaces the generator", async () => {
    let n = 0;
    const c = client("require", { createQueryId: () => `q-${++n}` });
    await getApiInfo(c);
    await getApiInfo(c);
    expect(sentQueryIds).toEqual(["q-1", "q-2"]);
  });

  it("a QueryID given by the caller is kept and verified", async () => {
    const result = await getApiInfo(client("require"), {
      headers: { "Licence-QueryID": "20200127230600" },
    });
    expect(sentQueryIds).toEqual(["20200127230600"]);
    expect(result.headers.get("licence-queryid")).toBe("20200127230600");
  });
});
