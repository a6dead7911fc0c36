import { request as httpRequest } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { callOperation, createClient, parseBasicAuth } from "../src/index.js";
import {
  createRouter,
  type ErrorInfo,
  listen,
  type RawRequest,
  type RawResponse,
  type RouterOptions,
} from "../src/server.js";
import { allOps, bundle, formatError, getThing, listThings, thing } from "./fixtures.js";
import { decode, makeHandlers, raw } from "./router-helpers.js";

function setup(options: Partial<RouterOptions> = {}, overrides: Record<string, unknown> = {}) {
  const { handlers, calls } = makeHandlers();
  const router = createRouter(allOps, { ...handlers, ...overrides }, bundle, {
    formatError,
    ...options,
  });
  return { router, calls };
}

async function handle(
  router: ReturnType<typeof setup>["router"],
  request: RawRequest,
): Promise<{ status: number; headers: Record<string, string>; body: unknown }> {
  const out = await router.handle(request);
  return { status: out.status, headers: out.headers, body: decode(out.body) };
}

describe("router.handle: routing and parameters", () => {
  it("dispatches to the operation and coerces a path parameter to an integer", async () => {
    const { router, calls } = setup();
    const res = await handle(router, raw("GET", "/things/42"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...thing(42), name: "lamp" });
    expect(res.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(res.headers["x-thing"]).toBe("42");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.operationId).toBe("getThing");
    expect(calls[0]!.path).toEqual({ id: 42 });
  });

  it("accepts a trailing slash", async () => {
    const { router, calls } = setup();
    expect((await handle(router, raw("GET", "/things/7/"))).status).toBe(200);
    expect(calls[0]!.path.id).toBe(7);
  });

  it("lets a literal path win over a template, whatever the order of the operations", async () => {
    const { router, calls } = setup();
    const res = await handle(router, raw("GET", "/things/update"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 3 });
    expect(calls.map((c) => c.operationId)).toEqual(["updateThings"]);

    const { handlers } = makeHandlers();
    const reversed = createRouter([...allOps].reverse(), handlers, bundle, { formatError });
    expect(decode((await reversed.handle(raw("GET", "/things/update"))).body)).toEqual({
      updated: 3,
    });
  });

  it("answers 400 for a path parameter that is not an integer", async () => {
    const { router, calls } = setup();
    const res = await handle(router, raw("GET", "/things/abc"));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      Code: 400,
      Text: "Bad Request",
      Message: "Invalid request: /path/id must be integer",
      Exception: "EHTTPBadRequest",
    });
    expect(calls).toHaveLength(0);
    expect((await handle(router, raw("GET", "/things/1.5"))).status).toBe(400);
  });

  it("URL-decodes path parameters", async () => {
    const { router, calls } = setup();
    const out = await router.handle(raw("GET", "/files/a%20b%2Fc"));
    expect(out.status).toBe(200);
    expect(calls[0]!.path.name).toBe("a b/c");
    expect(new TextDecoder().decode(out.body)).toBe("file a b/c");
    expect(out.headers["content-type"]).toBe("text/plain");
    // A malformed escape is kept as it came.
    await router.handle(raw("GET", "/files/100%"));
    expect(calls[1]!.path.name).toBe("100%");
  });

  it("coerces query parameters and passes header parameters", async () => {
    const { router, calls } = setup();
    const res = await handle(
      router,
      raw("GET", "/things/5?verbose=true&unknown=1", undefined, { "x-request-id": "r-1" }),
    );
    expect(res.status).toBe(200);
    expect((res.body as { name: string }).name).toBe("verbose lamp");
    expect(calls[0]!.query).toEqual({ verbose: true });
    expect(calls[0]!.headers).toEqual({ "X-Request-ID": "r-1" });

    await handle(router, raw("GET", "/things?limit=10&status=lost&q=a%20b"));
    expect(calls[1]!.query).toEqual({ limit: 10, status: "lost", q: "a b" });
  });

  it("answers 400 for query values that break the contract", async () => {
    const { router } = setup();
    const bad = await handle(router, raw("GET", "/things/5?verbose=maybe"));
    expect(bad.status).toBe(400);
    expect((bad.body as { Message: string }).Message).toContain("/query/verbose must be boolean");
    const range = await handle(router, raw("GET", "/things?limit=1000&status=gone"));
    expect(range.status).toBe(400);
    expect((range.body as { Message: string }).Message).toBe(
      'Invalid request: /query/limit must be <= 100; /query/status must be one of "active", "retired", "lost"',
    );
  });

  it("answers a missing required query parameter with 400 in the API's error format", async () => {
    const format = vi.fn(formatError);
    const { router, calls } = setup({ formatError: format });
    const res = await handle(router, raw("GET", "/things"));
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(res.body).toEqual({
      Code: 400,
      Text: "Bad Request",
      Message: "Invalid request: /query/limit is required",
      Exception: "EHTTPBadRequest",
    });
    expect(calls).toHaveLength(0);
    const info = format.mock.calls[0]![0] as ErrorInfo;
    expect(info.operationId).toBe("listThings");
    expect(info.issues).toEqual([{ path: "/query/limit", message: "is required" }]);
  });

  it("checks a JSON body against the schema and passes it on", async () => {
    const { router, calls } = setup();
    const ok = await handle(router, raw("POST", "/things", { name: "chair" }));
    expect(ok.status).toBe(201);
    expect((ok.body as { name: string }).name).toBe("chair");
    expect(calls[0]!.body).toEqual({ name: "chair" });

    const bad = await handle(router, raw("POST", "/things", { name: "", colour: "red" }));
    expect(bad.status).toBe(400);
    expect((bad.body as { Message: string }).Message).toContain(
      '/body has unknown property "colour"',
    );
    expect((bad.body as { Message: string }).Message).toContain("/body/name");

    const missing = await handle(router, raw("POST", "/things"));
    expect(missing.status).toBe(400);
    expect((missing.body as { Message: string }).Message).toBe(
      "Invalid request: /body is required",
    );
    expect(calls).toHaveLength(1);
  });

  it("answers malformed JSON with 400, in the format of the route's operation", async () => {
    const format = vi.fn(formatError);
    const { router, calls } = setup({ formatError: format });
    const res = await handle(router, raw("POST", "/things", '{"name": '));
    expect((format.mock.calls[0]![0] as ErrorInfo).operationId).toBe("createThing");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      Code: 400,
      Text: "Bad Request",
      Message: "The request body is not valid JSON.",
      Exception: "EJSONException",
    });
    expect(calls).toHaveLength(0);
    const notUtf8 = await handle(router, {
      ...raw("POST", "/things"),
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    });
    expect(notUtf8.status).toBe(400);
  });

  it("answers a body over maxBodyBytes with 413", async () => {
    const { router, calls } = setup({ maxBodyBytes: 16 });
    const res = await handle(router, raw("POST", "/things", { name: "x".repeat(32) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      Code: 413,
      Text: "Payload Too Large",
      Message: "The request body exceeds 16 bytes.",
      Exception: "EHTTPPayloadTooLarge",
    });
    expect(calls).toHaveLength(0);
    expect((await handle(router, raw("POST", "/things", { name: "ok" }))).status).toBe(201);
  });

  it("answers an unknown URL with 404", async () => {
    const { router } = setup();
    const res = await handle(router, raw("GET", "/nowhere?x=1"));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      Code: 404,
      Text: "Not Found",
      Message: 'The requested URL "/nowhere" was not found.',
      Exception: "EHTTPNotFound",
    });
    expect((await handle(router, raw("GET", "/things/1/extra"))).status).toBe(404);
  });

  it("answers a wrong method on a known path with 405", async () => {
    const { router } = setup();
    const res = await handle(router, raw("PUT", "/things"));
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({
      Code: 405,
      Text: "Method Not Allowed",
      Exception: "EHTTPMethodNotAllowed",
    });
    expect((res.body as { Message: string }).Message).toContain("PUT");
    expect((await handle(router, raw("PATCH", "/things/1"))).status).toBe(405);
  });

  it("answers an HttpError thrown by a handler with its status in the API's format", async () => {
    const { router } = setup();
    const res = await handle(router, raw("GET", "/things/404"));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      Code: 404,
      Text: "Not Found",
      Message: "No thing 404 here.",
      Exception: "EThingNotFound",
    });
    const teapot = await handle(router, raw("GET", "/things/418"));
    expect(teapot.status).toBe(418);
    expect(teapot.body).toMatchObject({ Exception: "HTTP418", Text: "I'm a Teapot" });
  });

  it("answers a plain Error with 500 and does not leak its message", async () => {
    const { router } = setup();
    const out = await router.handle(raw("GET", "/things/500"));
    expect(out.status).toBe(500);
    const text = new TextDecoder().decode(out.body);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("10.0.0.7");
    expect(text).not.toContain("database");
    expect(JSON.parse(text)).toEqual({
      Code: 500,
      Text: "Internal Server Error",
      Message: "getThing failed inside the server.",
      Exception: "EInternalError",
    });
  });

  it("answers 501 for an operation without a handler", async () => {
    const { router } = setup();
    const res = await handle(router, raw("GET", "/export"));
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ Code: 501, Exception: "EHTTPNotImplemented" });
    expect((res.body as { Message: string }).Message).toContain("exportThings");
  });

  it("answers an empty body for a reply without one", async () => {
    const { router } = setup();
    const out = await router.handle(raw("DELETE", "/things/3"));
    expect(out.status).toBe(204);
    expect(out.body.byteLength).toBe(0);
    expect(out.headers["content-type"]).toBeUndefined();
  });

  it("answers 500 for a handler whose promise rejects", async () => {
    const { router } = setup({}, { listThings: async () => Promise.reject(new Error("boom")) });
    const res = await handle(router, raw("GET", "/things?limit=1"));
    expect(res.status).toBe(500);
  });
});

describe("router.handle: operations sharing one method and path", () => {
  it("picks the operation by a discriminator name in the query", async () => {
    const { router, calls } = setup();
    const res = await handle(router, raw("POST", "/commands?newName=lamp2"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ command: "rename" });
    expect(calls[0]!.operationId).toBe("renameCommand");
    expect(calls[0]!.query).toEqual({ newName: "lamp2" });

    await handle(router, raw("POST", "/commands?archive=true"));
    expect(calls[1]!.operationId).toBe("archiveCommand");
    expect(calls[1]!.query).toEqual({ archive: true });
  });

  it("picks the operation by a discriminator name in the JSON body", async () => {
    const { router, calls } = setup();
    expect((await handle(router, raw("POST", "/commands", { archive: true }))).body).toEqual({
      command: "archive",
    });
    expect((await handle(router, raw("POST", "/commands", { newName: "x" }))).body).toEqual({
      command: "rename",
    });
    expect(calls.map((c) => c.operationId)).toEqual(["archiveCommand", "renameCommand"]);
  });

  it("answers 400 when neither name is present", async () => {
    const { router, calls } = setup();
    for (const request of [raw("POST", "/commands"), raw("POST", "/commands?other=1", { x: 1 })]) {
      const res = await handle(router, request);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ Code: 400, Exception: "EHTTPBadRequest" });
      expect((res.body as { Message: string }).Message).toContain("newName, archive");
    }
    expect(calls).toHaveLength(0);
  });
});

describe("router.handle: tolerated body, authorization, response hooks and checks", () => {
  it("accepts a JSON body on a GET that tolerates one, and checks it", async () => {
    const { router, calls } = setup();
    const res = await handle(router, raw("GET", "/search", { term: "lamp" }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ term: "lamp" });
    expect(calls[0]!.body).toEqual({ term: "lamp" });

    expect((await handle(router, raw("GET", "/search"))).body).toEqual({ term: null });

    const bad = await handle(router, raw("GET", "/search", { term: "x" }));
    expect(bad.status).toBe(400);
    expect((bad.body as { Message: string }).Message).toContain("/body/term");
  });

  it("answers an authorize denial in the error format without calling the handler", async () => {
    const authorize = vi.fn(
      (request: RawRequest, op: { security: readonly string[] } | undefined) =>
        op?.security.includes("basic") && !parseBasicAuth(request.headers.authorization)
          ? { status: 401, message: "Credentials are required.", exception: "EAuthRequired" }
          : undefined,
    );
    const format = vi.fn(formatError);
    const { router, calls } = setup({ authorize, formatError: format });
    const denied = await handle(router, raw("POST", "/things", { name: "x" }));
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({
      Code: 401,
      Text: "Unauthorized",
      Message: "Credentials are required.",
      Exception: "EAuthRequired",
    });
    expect(format.mock.calls[0]![0].operationId).toBe("createThing");
    expect(calls).toHaveLength(0);

    const auth = `Basic ${Buffer.from("u:p").toString("base64")}`;
    const allowed = await handle(
      router,
      raw("POST", "/things", { name: "x" }, { authorization: auth }),
    );
    expect(allowed.status).toBe(201);
    // Operations without security are not refused.
    expect((await handle(router, raw("GET", "/things/1"))).status).toBe(200);
    expect(authorize).toHaveBeenCalledTimes(3);
  });

  it("onResponse sees every answer, 404s included, and may add headers", async () => {
    const seen: { status: number; url: string; op?: string }[] = [];
    const onResponse = (
      response: RawResponse,
      request: RawRequest,
      op?: { operationId: string },
    ) => {
      seen.push({ status: response.status, url: request.url, op: op?.operationId });
      response.headers["x-signature"] = `signed-${response.body.byteLength}`;
    };
    const { router } = setup({ onResponse });
    const ok = await router.handle(raw("GET", "/things/1"));
    const missing = await router.handle(raw("GET", "/nowhere"));
    const bad = await router.handle(raw("GET", "/things"));
    const wrongMethod = await router.handle(raw("PUT", "/things"));
    expect(seen).toEqual([
      { status: 200, url: "/things/1", op: "getThing" },
      { status: 404, url: "/nowhere", op: undefined },
      { status: 400, url: "/things", op: "listThings" },
      { status: 405, url: "/things", op: undefined },
    ]);
    for (const out of [ok, missing, bad, wrongMethod])
      expect(out.headers["x-signature"]).toBe(`signed-${out.body.byteLength}`);
  });

  it("responseValidation strict turns a contract-breaking answer into 500 and reports it", async () => {
    const onValidationIssue = vi.fn();
    const { router } = setup(
      { responseValidation: "strict", onValidationIssue },
      { getThing: () => ({ status: 200, body: { id: "one" } }) },
    );
    const res = await handle(router, raw("GET", "/things/1"));
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ Code: 500, Exception: "EContractViolation" });
    expect((res.body as { Message: string }).Message).toContain("/id must be integer");
    expect(onValidationIssue).toHaveBeenCalledTimes(1);
    expect(onValidationIssue.mock.calls[0]![0]).toBe("getThing");
    expect(onValidationIssue.mock.calls[0]![1]).toEqual(
      expect.arrayContaining([{ path: "/id", message: "must be integer" }]),
    );
  });

  it("responseValidation strict refuses an undeclared status", async () => {
    const onValidationIssue = vi.fn();
    const { router } = setup(
      { responseValidation: "strict", onValidationIssue },
      { updateThings: () => ({ status: 299, body: {} }) },
    );
    const res = await handle(router, raw("GET", "/things/update"));
    expect(res.status).toBe(500);
    expect(onValidationIssue).toHaveBeenCalledWith("updateThings", [
      { path: "", message: "status 299 is not declared" },
    ]);
  });

  it("responseValidation report passes the answer on and reports; off does not check", async () => {
    const onValidationIssue = vi.fn();
    const broken = { getThing: () => ({ status: 200, body: { id: "one" } }) };
    const report = setup({ responseValidation: "report", onValidationIssue }, broken).router;
    const res = await handle(report, raw("GET", "/things/1"));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: "one" });
    expect(onValidationIssue).toHaveBeenCalledTimes(1);

    const off = setup({ onValidationIssue }, broken).router;
    expect((await handle(off, raw("GET", "/things/1"))).status).toBe(200);
    expect(onValidationIssue).toHaveBeenCalledTimes(1);
  });

  it("responseValidation strict lets a conforming answer through", async () => {
    const onValidationIssue = vi.fn();
    const { router } = setup({ responseValidation: "strict", onValidationIssue });
    expect((await handle(router, raw("GET", "/things/1"))).status).toBe(200);
    expect((await handle(router, raw("GET", "/things?limit=2"))).status).toBe(200);
    expect(onValidationIssue).not.toHaveBeenCalled();
  });
});

describe("router.fetch", () => {
  it("answers a fetch Request with a Response", async () => {
    const { router, calls } = setup();
    const res = await router.fetch(
      new Request("http://api.test/things/9?verbose=true", { headers: { "X-Request-ID": "abc" } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=utf-8");
    expect(await res.json()).toEqual({ ...thing(9), name: "verbose lamp" });
    expect(calls[0]!.headers).toEqual({ "X-Request-ID": "abc" });
    expect(calls[0]!.request.url).toBe("/things/9?verbose=true");
  });

  it("passes a JSON body and answers errors in the API format", async () => {
    const { router } = setup();
    const created = await router.fetch(
      new Request("http://api.test/things", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "desk" }),
      }),
    );
    expect(created.status).toBe(201);
    expect(((await created.json()) as { name: string }).name).toBe("desk");

    const missing = await router.fetch(new Request("http://api.test/things"));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      Message: "Invalid request: /query/limit is required",
    });

    const notFound = await router.fetch(new Request("http://api.test/nope"));
    expect(notFound.status).toBe(404);
    const malformed = await router.fetch(
      new Request("http://api.test/things", { method: "POST", body: "{" }),
    );
    expect(malformed.status).toBe(400);
  });

  it("answers 204 without a body", async () => {
    const { router } = setup();
    const res = await router.fetch(new Request("http://api.test/things/3", { method: "DELETE" }));
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });
});

describe("router over real HTTP", () => {
  const seen: RawRequest[] = [];
  const { handlers, calls } = makeHandlers();
  const router = createRouter(allOps, handlers, bundle, {
    formatError,
    maxBodyBytes: 1024,
    onResponse(response, request) {
      seen.push(request);
      response.headers["x-signed"] = "yes";
    },
  });
  let server: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    server = await listen(router);
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    seen.length = 0;
    calls.length = 0;
  });

  it("listens on 127.0.0.1 and answers", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/things/12?verbose=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-signed")).toBe("yes");
    expect(res.headers.get("x-thing")).toBe("12");
    expect(await res.json()).toEqual({ ...thing(12), name: "verbose lamp" });
  });

  it("reads a chunked request body, which has no Content-Length", async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${server.url}/things`,
          { method: "POST", headers: { "content-type": "application/json" } },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => {
              text += c;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on("error", reject);
        req.write('{"name":');
        req.end('"chunked lamp"}');
      },
    );
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ name: "chunked lamp" });
    expect(calls[0]!.request.headers["transfer-encoding"]).toBe("chunked");
  });

  it("sets remoteAddress", async () => {
    await fetch(`${server.url}/things/1`);
    expect(calls[0]!.request.remoteAddress).toBe("127.0.0.1");
    expect(seen[0]!.remoteAddress).toBe("127.0.0.1");
  });

  it("routes, checks and answers errors over HTTP", async () => {
    const literal = await fetch(`${server.url}/things/update`);
    expect(await literal.json()).toEqual({ updated: 3 });
    const notInt = await fetch(`${server.url}/things/x`);
    expect(notInt.status).toBe(400);
    const notFound = await fetch(`${server.url}/nope`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("x-signed")).toBe("yes");
    expect(await notFound.json()).toMatchObject({ Exception: "EHTTPNotFound" });
    const created = await fetch(`${server.url}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "over http" }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { name: string }).name).toBe("over http");
    const deleted = await fetch(`${server.url}/things/3`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
  });

  it("answers a 2 KiB body with 413 when maxBodyBytes is 1024, without keeping it", async () => {
    const res = await fetch(`${server.url}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(2048) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      Code: 413,
      Text: "Payload Too Large",
      Message: "The request body exceeds 1024 bytes.",
      Exception: "EHTTPPayloadTooLarge",
    });
    expect(calls).toHaveLength(0);
    // The router only learns that the body was too large; it is not buffered whole.
    expect(seen[0]!.body.byteLength).toBeLessThanOrEqual(1025);
  });

  it("accepts a body of exactly maxBodyBytes", async () => {
    const name = "y".repeat(1024 - JSON.stringify({ name: "" }).length);
    const body = JSON.stringify({ name });
    expect(body.length).toBe(1024);
    const res = await fetch(`${server.url}/things`, { method: "POST", body });
    expect(res.status).toBe(201);
  });

  it("accepts a tolerated JSON body on a GET", async () => {
    const body = JSON.stringify({ term: "lamp" });
    const { status, text } = await new Promise<{ status: number; text: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${server.url}/search`,
          {
            method: "GET",
            headers: { "content-type": "application/json", "content-length": body.length },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => {
              text += c;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      },
    );
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ term: "lamp" });
  });

  it("serves a generated-style client end to end", async () => {
    const client = createClient(bundle, { baseUrl: server.url });
    const one = await callOperation(client, getThing, { path: { id: 21 } });
    expect(one.data).toEqual({ ...thing(21), name: "lamp" });
    const list = await callOperation(client, listThings, { query: { limit: 2 } });
    expect(list.data).toEqual([thing(1), thing(2)]);
    await expect(callOperation(client, getThing, { path: { id: 404 } })).rejects.toMatchObject({
      status: 404,
      operationId: "getThing",
      body: { Code: 404, Message: "No thing 404 here." },
    });
  });
});

describe("listen", () => {
  it("closes so that new connections are refused", async () => {
    const { router } = setup();
    const server = await listen(router, { host: "127.0.0.1", port: 0 });
    expect((await fetch(`${server.url}/things/1`)).status).toBe(200);
    await server.close();
    await expect(fetch(`${server.url}/things/1`)).rejects.toThrow();
  });
});

describe("form-encoded request bodies", () => {
  it("reaches the handler as an object of fields and is validated like JSON", async () => {
    const { createRouter: makeRouter } = await import("../src/server.js");
    const seen: unknown[] = [];
    const op = {
      operationId: "token",
      method: "POST" as const,
      path: "/token",
      params: [],
      requestBody: {
        mediaType: "application/x-www-form-urlencoded",
        required: true,
        schema: {
          type: "object",
          required: ["grant_type"],
          properties: { grant_type: { const: "password" } },
        },
      },
      responses: { "200": { mediaType: "application/json" } },
      success: [200],
      security: [],
    };
    const router = makeRouter(
      [op],
      {
        token: (ctx: { body: unknown }) => {
          seen.push(ctx.body);
          return { status: 200, body: { ok: true } };
        },
      },
      { $id: "urn:test:form", $defs: {} },
      { formatError: (i) => ({ message: i.message }) },
    );
    const post = (text: string) =>
      router.handle({
        method: "POST",
        url: "/token",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new TextEncoder().encode(text),
      });
    expect((await post("grant_type=password&scope=a&scope=b")).status).toBe(200);
    expect(seen).toEqual([{ grant_type: "password", scope: ["a", "b"] }]);
    const bad = await post("grant_type=other");
    expect(bad.status).toBe(400);
    expect(new TextDecoder().decode(bad.body)).toContain("/body/grant_type");
  });
});

describe("form-encoded fields are converted to the schema's kinds", () => {
  it("turns Default=True into a boolean and Count=3 into a number", async () => {
    const { createRouter: makeRouter } = await import("../src/server.js");
    const seen: unknown[] = [];
    const router = makeRouter(
      [
        {
          operationId: "setDefault",
          method: "POST",
          path: "/default",
          params: [],
          requestBody: {
            mediaType: "application/json",
            required: true,
            schema: { $ref: "urn:test:kinds#/$defs/DefaultProperty" },
          },
          responses: { "200": {} },
          success: [200],
          security: [],
        },
      ],
      {
        setDefault: (ctx: { body: unknown }) => {
          seen.push(ctx.body);
          return { status: 200 };
        },
      },
      {
        $id: "urn:test:kinds",
        $defs: {
          DefaultProperty: {
            type: "object",
            required: ["Default"],
            properties: {
              Default: { type: "boolean" },
              Count: { anyOf: [{ type: "integer" }, { type: "null" }] },
              Name: { type: "string" },
            },
          },
        },
      },
      { formatError: (i) => ({ message: i.message }) },
    );
    const res = await router.handle({
      method: "POST",
      url: "/default",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new TextEncoder().encode("Default=True&Count=3&Name=007"),
    });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ Default: true, Count: 3, Name: "007" }]);
  });
});

describe("router precedence, refusals and failing hooks", () => {
  const op = (operationId: string, method: "GET" | "POST", path: string) => ({
    operationId,
    method,
    path,
    params: path.includes("{id}")
      ? [
          {
            name: "id",
            in: "path" as const,
            required: true,
            kind: "integer" as const,
            schema: { type: "integer" },
          },
        ]
      : [],
    responses: { "200": { mediaType: "application/json" } },
    success: [200],
    security: [],
  });
  const ops = [op("update", "POST", "/things/update"), op("get", "GET", "/things/{id}")];
  const handlers = {
    update: () => ({ status: 200, body: "u" }),
    get: () => ({ status: 200, body: "g" }),
  };
  const bundle = { $id: "urn:test:prec", $defs: {} };
  const raw = (method: string, url: string, headers: Record<string, string> = {}) => ({
    method,
    url,
    headers,
    body: new Uint8Array(0),
  });

  it("answers 405 with Allow on a literal path instead of falling through to a template", async () => {
    const { createRouter: makeRouter } = await import("../src/server.js");
    const router = makeRouter(ops, handlers, bundle, { formatError: (i) => ({ m: i.message }) });
    const res = await router.handle(raw("GET", "/things/update"));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST");
    expect((await router.handle(raw("GET", "/things/7"))).status).toBe(200);
  });

  it("asks authorize before routing, so 404, 405 and 413 are not revealed to a stranger", async () => {
    const { createRouter: makeRouter } = await import("../src/server.js");
    const router = makeRouter(ops, handlers, bundle, {
      formatError: (i) => ({ status: i.status }),
      maxBodyBytes: 4,
      authorize: (request) =>
        request.headers.authorization
          ? undefined
          : { status: 401, message: "no", exception: "E401" },
    });
    for (const r of [
      raw("GET", "/nowhere"),
      raw("GET", "/things/update"),
      { ...raw("POST", "/things/update"), body: new Uint8Array(10) },
    ]) {
      expect((await router.handle(r)).status).toBe(401);
    }
    expect((await router.handle(raw("GET", "/nowhere", { authorization: "x" }))).status).toBe(404);
  });

  it("turns a throwing onResponse or formatError into a 500 instead of a crash", async () => {
    const { createRouter: makeRouter, listen } = await import("../src/server.js");
    const router = makeRouter(ops, handlers, bundle, {
      formatError: () => {
        throw new Error("boom");
      },
      onResponse: (response) => {
        if (response.status === 200) throw new Error("signer broken");
      },
    });
    expect((await router.handle(raw("GET", "/things/1"))).status).toBe(500);
    const nf = await router.handle(raw("GET", "/nowhere"));
    expect(nf.status).toBe(404);
    expect(JSON.parse(new TextDecoder().decode(nf.body))).toEqual({
      message: expect.stringContaining("/nowhere"),
    });
    const server = await listen(router);
    try {
      expect((await fetch(`${server.url}/things/1`)).status).toBe(500);
      expect((await fetch(`${server.url}/things/2`)).status).toBe(500);
    } finally {
      await server.close();
    }
  });
});

describe("HEAD", () => {
  function headSetup() {
    const seen: RawResponse[] = [];
    const { router, calls } = setup({
      onResponse(response) {
        seen.push({ ...response, headers: { ...response.headers } });
      },
    });
    return { router, calls, seen };
  }

  it("on a GET path runs the GET operation and answers its status and headers without the body", async () => {
    const { router, calls, seen } = headSetup();
    const get = await router.handle(raw("GET", "/things/42"));
    const head = await router.handle(raw("HEAD", "/things/42"));
    expect(head.status).toBe(200);
    expect(head.headers).toEqual(get.headers);
    expect(head.body.byteLength).toBe(0);
    expect(calls.map((c) => c.operationId)).toEqual(["getThing", "getThing"]);
    // onResponse (e.g. a signer) sees the body that is sent: none.
    expect(seen[1]!.body.byteLength).toBe(0);
  });

  it("errors too have no body: the GET operation's own, 404, 405 and 413", async () => {
    const { router, seen } = headSetup();
    const small = createRouter(allOps, makeHandlers().handlers, bundle, {
      formatError,
      maxBodyBytes: 4,
    });
    const answers = [
      await router.handle(raw("HEAD", "/things/404")),
      await router.handle(raw("HEAD", "/nope")),
      await router.handle(raw("HEAD", "/commands")),
      await small.handle(raw("HEAD", "/things/1", "12345")),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 404, 405, 413]);
    expect(answers.map((a) => a.body.byteLength)).toEqual([0, 0, 0, 0]);
    expect(seen.map((r) => r.body.byteLength)).toEqual([0, 0, 0]);
    expect(answers[2]!.headers.allow).toBe("POST");
    expect(answers[0]!.headers["content-type"]).toBe("application/json;charset=utf-8");
  });

  it("an operation declared for HEAD is used instead of the GET one", async () => {
    const headThing = { ...getThing, operationId: "headThing", method: "HEAD" as const };
    const { handlers } = makeHandlers();
    const router = createRouter(
      [getThing, headThing],
      { ...handlers, headThing: () => ({ status: 204 }) },
      bundle,
      {
        formatError,
      },
    );
    expect((await router.handle(raw("HEAD", "/things/1"))).status).toBe(204);
    expect((await router.handle(raw("GET", "/things/1"))).status).toBe(200);
  });

  it("a failing onResponse gives a 500 without a body", async () => {
    const { router } = setup({
      onResponse() {
        throw new Error("signer broken");
      },
    });
    const res = await router.handle(raw("HEAD", "/things/1"));
    expect([res.status, res.body.byteLength]).toEqual([500, 0]);
  });

  it("over HTTP: a handler's own Content-Length gives way to the size of the body sent", async () => {
    const router = createRouter(
      allOps,
      {
        ...makeHandlers().handlers,
        listThings: async () => ({
          status: 200,
          body: [thing(1)],
          headers: { "content-length": "1", "x-kept": "yes" },
        }),
      },
      bundle,
      { formatError },
    );
    const server = await listen(router);
    try {
      const res = await fetch(`${server.url}/things?limit=1`);
      const bytes = await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe(String(bytes.byteLength));
      expect(res.headers.get("x-kept")).toBe("yes");
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual([thing(1)]);
    } finally {
      await server.close();
    }
  });

  it("over HTTP: the GET status and headers, no body and no Content-Length", async () => {
    const router = createRouter(allOps, makeHandlers().handlers, bundle, { formatError });
    const server = await listen(router);
    const head = (path: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; size: number }>(
        (resolve, reject) => {
          const req = httpRequest(`${server.url}${path}`, { method: "HEAD" }, (res) => {
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              size += chunk.length;
            });
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, size }),
            );
          });
          req.on("error", reject);
          req.end();
        },
      );
    try {
      const ok = await head("/things/7");
      expect([ok.status, ok.size, ok.headers["x-thing"]]).toEqual([200, 0, "7"]);
      expect(ok.headers["content-length"]).toBeUndefined();
      const refused = await head("/commands");
      expect([refused.status, refused.size, refused.headers.allow]).toEqual([405, 0, "POST"]);
      expect(refused.headers["content-length"]).toBeUndefined();
      const get = await fetch(`${server.url}/things/7`);
      expect(get.headers.get("content-length")).toBe(String((await get.arrayBuffer()).byteLength));
    } finally {
      await server.close();
    }
  });
});
