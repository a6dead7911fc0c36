import { getResponse, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError, callOperation, createClient, ValidationError } from "../src/index.js";
import { toMswHandlers } from "../src/msw.js";
import { createRouter } from "../src/server.js";
import {
  allOps,
  bundle,
  createThing,
  formatError,
  getThing,
  listThings,
  thing,
} from "./fixtures.js";
import { makeHandlers } from "./router-helpers.js";

const { handlers: apiHandlers, calls } = makeHandlers();
const router = createRouter(allOps, apiHandlers, bundle, {
  formatError,
  responseValidation: "strict",
});
const handlers = toMswHandlers(router, allOps, "http://api.test/");

describe("toMswHandlers", () => {
  it("makes one handler per method and path", () => {
    // 10 operations, two of them share POST /commands.
    expect(handlers).toHaveLength(9);
    expect(handlers.map((h) => h.info.header).sort()).toContain("GET http://api.test/things/:id");
  });
});

describe("toMswHandlers with setupServer", () => {
  const server = setupServer(...handlers);

  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    calls.length = 0;
  });
  afterAll(() => server.close());

  it("a fetch to the mocked URL reaches the router", async () => {
    const res = await fetch("http://api.test/things/5?verbose=true");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...thing(5), name: "verbose lamp" });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.operationId).toBe("getThing");
    expect(calls[0]!.path).toEqual({ id: 5 });
  });

  it("the literal path and the template both reach the right operation", async () => {
    expect(await (await fetch("http://api.test/things/update")).json()).toEqual({ updated: 3 });
    expect(calls.map((c) => c.operationId)).toEqual(["updateThings"]);
  });

  it("the router's checks and error format apply to mocked requests", async () => {
    const res = await fetch("http://api.test/things");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      Code: 400,
      Text: "Bad Request",
      Message: "Invalid request: /query/limit is required",
      Exception: "EHTTPBadRequest",
    });
    const posted = await fetch("http://api.test/commands", {
      method: "POST",
      body: JSON.stringify({ archive: true }),
    });
    expect(await posted.json()).toEqual({ command: "archive" });
  });

  it("serves a client: success, ApiError and a contract check", async () => {
    const client = createClient(bundle, { baseUrl: "http://api.test" });
    const list = await callOperation(client, listThings, { query: { limit: 2 } });
    expect(list.data).toEqual([thing(1), thing(2)]);
    const created = await callOperation(client, createThing, { body: { name: "mocked" } });
    expect(created.status).toBe(201);
    await expect(callOperation(client, getThing, { path: { id: 404 } })).rejects.toBeInstanceOf(
      ApiError,
    );
    await expect(callOperation(client, getThing, { path: { id: "x" } })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("a client retries a 503 from a mock and gets the later answer", async () => {
    let n = 0;
    server.use(
      http.get("http://api.test/things/:id", () => {
        n++;
        return n === 1
          ? HttpResponse.json({ Code: 503, Message: "busy" }, { status: 503 })
          : HttpResponse.json(thing(77));
      }),
    );
    const client = createClient(bundle, {
      baseUrl: "http://api.test",
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
    });
    const pending = callOperation(client, getThing, { path: { id: 77 } });
    const result = await Promise.race([
      pending,
      new Promise((_, reject) => setTimeout(() => reject(new Error("the retry hung")), 2_000)),
    ]);
    expect((result as { data: unknown }).data).toEqual(thing(77));
    expect(n).toBe(2);
  });

  it("unknown URLs stay unhandled", async () => {
    const complaints = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(fetch("http://api.test/nowhere")).rejects.toThrow();
      await expect(fetch("http://other.test/things/1")).rejects.toThrow();
      expect(complaints).toHaveBeenCalledTimes(2);
      expect(String(complaints.mock.calls[0]![0])).toContain("without a matching request handler");
    } finally {
      complaints.mockRestore();
    }
    expect(calls).toHaveLength(0);
  });
});

describe("toMswHandlers with getResponse", () => {
  it("answers a Request without a server", async () => {
    const res = await getResponse(handlers, new Request("http://api.test/things/8"));
    expect(res).toBeDefined();
    expect(res!.status).toBe(200);
    expect(await res!.json()).toEqual({ ...thing(8), name: "lamp" });
  });

  it("answers errors in the API's format and leaves foreign requests alone", async () => {
    const bad = await getResponse(handlers, new Request("http://api.test/things/abc"));
    expect(bad!.status).toBe(400);
    expect(await bad!.json()).toMatchObject({
      Message: "Invalid request: /path/id must be integer",
    });
    const created = await getResponse(
      handlers,
      new Request("http://api.test/things", {
        method: "POST",
        body: JSON.stringify({ name: "n" }),
      }),
    );
    expect(created!.status).toBe(201);
    expect(await getResponse(handlers, new Request("http://other.test/things/1"))).toBeUndefined();
  });

  it("works under a base URL with a path", async () => {
    const prefixed = toMswHandlers(router, allOps, "http://api.test/v2");
    const res = await getResponse(
      prefixed,
      new Request("http://api.test/v2/things/3?verbose=true"),
    );
    expect(res?.status).toBe(200);
    expect(await res!.json()).toEqual({ ...thing(3), name: "verbose lamp" });
    const posted = await getResponse(
      prefixed,
      new Request("http://api.test/v2/things", {
        method: "POST",
        body: JSON.stringify({ name: "p" }),
      }),
    );
    expect(posted?.status).toBe(201);
    expect(await getResponse(prefixed, new Request("http://api.test/things/3"))).toBeUndefined();
  });
});
