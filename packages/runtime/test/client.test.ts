import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  ApiError,
  type ApiResult,
  type AuthHook,
  type ClientOptions,
  callOperation,
  createClient,
  type IncomingResponse,
  type OperationDescriptor,
  type OutgoingRequest,
  TimeoutError,
  TransportError,
  ValidationError,
  validatorFor,
} from "../src/index.js";
import {
  bundle,
  createThing,
  deleteThing,
  getFile,
  getThing,
  json,
  listThings,
  recordingFetch,
  thing,
} from "./fixtures.js";

const base = "http://api.test/v1";

function client(fetch: typeof globalThis.fetch, options: ClientOptions = {}) {
  return createClient(bundle, { baseUrl: base, fetch, ...options });
}

/** A fetch that never answers; it rejects with the signal's reason once the signal aborts. */
function hangingFetch() {
  const state = { calls: 0 };
  const fn = (_input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      state.calls++;
      const signal = init?.signal;
      if (!signal) return;
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  return Object.assign(fn as typeof globalThis.fetch, { state });
}

describe("createClient", () => {
  it("shares one validator per schema bundle", () => {
    const a = createClient(bundle);
    const b = createClient(bundle, { validation: "off" });
    expect(a.validator).toBe(b.validator);
    expect(a.validator).toBe(validatorFor(bundle));
    expect(createClient({ $id: "urn:test:other", $defs: {} }).validator).not.toBe(a.validator);
  });

  it("copies its options so later changes to the caller's object do not leak in", () => {
    const options: ClientOptions = { baseUrl: base };
    const c = createClient(bundle, options);
    options.baseUrl = "http://elsewhere.test";
    expect(c.options.baseUrl).toBe(base);
  });
});

describe("callOperation: building the request", () => {
  it("places path, query and header parameters and appends the path to the base URL", async () => {
    const fetch = recordingFetch(json(thing(42)));
    await callOperation(client(fetch), getThing, {
      path: { id: 42 },
      query: { verbose: true },
      headers: { "X-Request-ID": "req-1" },
    });
    expect(fetch.calls).toHaveLength(1);
    const call = fetch.calls[0]!;
    expect(call.method).toBe("GET");
    expect(call.url.origin).toBe("http://api.test");
    expect(call.url.pathname).toBe("/v1/things/42");
    expect(call.url.search).toBe("?verbose=true");
    expect(call.headers.get("x-request-id")).toBe("req-1");
    expect(call.headers.get("accept")).toBe("application/json");
    expect(call.headers.has("content-type")).toBe(false);
    expect(call.body).toBeUndefined();
  });

  it("URL-encodes path and query values", async () => {
    const fetch = recordingFetch(
      new Response("hello", { headers: { "content-type": "text/plain" } }),
    );
    await callOperation(client(fetch), getFile, {
      path: { name: "a b/c?d#e" },
      query: { filter: "x&y=z é" },
    });
    const call = fetch.calls[0]!;
    expect(call.url.pathname).toBe("/v1/files/a%20b%2Fc%3Fd%23e");
    expect(call.url.hash).toBe("");
    expect(call.url.search).not.toContain("&y");
    expect(call.url.searchParams.get("filter")).toBe("x&y=z é");
    expect([...call.url.searchParams.keys()]).toEqual(["filter"]);
  });

  it("leaves out optional parameters that are undefined or null", async () => {
    const fetch = recordingFetch(json([]));
    await callOperation(client(fetch), listThings, {
      query: { limit: 5, status: undefined, q: null },
    });
    expect(fetch.calls[0]!.url.search).toBe("?limit=5");
  });

  it("works with a base URL that has no path or a trailing slash", async () => {
    const fetch = recordingFetch(json(thing(7)));
    await callOperation(createClient(bundle, { baseUrl: "http://api.test/", fetch }), getThing, {
      path: { id: 7 },
    });
    expect(fetch.calls[0]!.url.href).toBe("http://api.test/things/7");
  });

  it("builds the same URL as the URL API would, for any base and parameter values", async () => {
    // The URL API's way: the base with a trailing slash, the query appended, the path set.
    const reference = (base: string, path: string, query: [string, string][]) => {
      const url = new URL(`${base.replace(/\/$/, "")}/`);
      for (const [k, v] of query) url.searchParams.append(k, v);
      url.pathname = url.pathname.replace(/\/$/, "") + path;
      return url.href;
    };
    const bases = [
      "http://api.test",
      "http://api.test/",
      "http://API.test:80/v1",
      "https://api.test:8443/v1/",
      "http://api.test/a b/ü/",
      "http://127.0.0.1:9099/base/./x/../api",
      "http://[::1]:8080/v1",
      "http://user:secret@api.test/v1",
      "http://api.test/v1?key=1",
      "http://api.test/v1#top",
    ];
    const names = ["42", "a b/c?d#e", "ü€😀", "...", "%2e%2e", ".%2e", "x;y=z", "-_.!~*'()"];
    const fetch = recordingFetch(new Response("ok", { headers: { "content-type": "text/plain" } }));
    for (const base of bases) {
      for (const name of names) {
        const filter = `${name} &=+`;
        fetch.calls.length = 0;
        await callOperation(createClient(bundle, { baseUrl: base, fetch }), getFile, {
          path: { name },
          query: { filter },
        });
        const expected = reference(base, `/files/${encodeURIComponent(name)}`, [
          ["filter", filter],
        ]);
        expect(fetch.calls[0]!.url.href, `${base} ${name}`).toBe(expected);
      }
    }
  });

  it.each(["off", "report", "strict"] as const)(
    "refuses '.' and '..' as path values (they would move up the path), validation %s",
    async (validation) => {
      const fetch = recordingFetch(
        new Response("ok", { headers: { "content-type": "text/plain" } }),
      );
      const c = createClient(bundle, { baseUrl: base, fetch, validation });
      for (const name of [".", ".."]) {
        const error = await callOperation(c, getFile, { path: { name } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues[0]?.path).toBe("/path/name");
      }
      expect(fetch.calls).toHaveLength(0);
    },
  );

  it("follows a change of baseUrl made after the first call", async () => {
    const fetch = recordingFetch(json(thing(1)));
    const c = createClient(bundle, { baseUrl: "http://one.test/v1", fetch });
    await callOperation(c, getThing, { path: { id: 1 } });
    (c.options as { baseUrl: string }).baseUrl = "http://two.test/v2/";
    await callOperation(c, getThing, { path: { id: 1 } });
    expect(fetch.calls.map((call) => call.url.href)).toEqual([
      "http://one.test/v1/things/1",
      "http://two.test/v2/things/1",
    ]);
  });

  it("sends a JSON body with the operation's content type, plus default and per-call headers", async () => {
    const fetch = recordingFetch(json(thing(3, "chair"), 201));
    await callOperation(
      client(fetch, { headers: { "x-client": "tests", "x-both": "client" } }),
      createThing,
      { body: { name: "chair", status: "active" } },
      { headers: { "x-both": "call" } },
    );
    const call = fetch.calls[0]!;
    expect(call.method).toBe("POST");
    expect(call.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(call.body!)).toEqual({ name: "chair", status: "active" });
    expect(call.headers.get("x-client")).toBe("tests");
    expect(call.headers.get("x-both")).toBe("call");
  });
});

describe("callOperation: answers", () => {
  it("returns status, parsed data and headers on success", async () => {
    const fetch = recordingFetch(json(thing(42), 200, { "x-trace": "abc" }));
    const result = await callOperation<ApiResult<200, Record<string, unknown>>>(
      client(fetch),
      getThing,
      { path: { id: 42 } },
    );
    expect(result.status).toBe(200);
    expect(result.data).toEqual(thing(42));
    expect(result.headers.get("x-trace")).toBe("abc");
  });

  it("returns undefined data for an empty success body", async () => {
    const fetch = recordingFetch(new Response(null, { status: 204 }));
    const result = await callOperation(client(fetch), deleteThing, { path: { id: 1 } });
    expect(result).toMatchObject({ status: 204, data: undefined });
    expect(fetch.calls[0]!.method).toBe("DELETE");
  });

  it("keeps a text body as text", async () => {
    const fetch = recordingFetch(
      new Response("plain", { headers: { "content-type": "text/plain" } }),
    );
    const result = await callOperation(client(fetch), getFile, { path: { name: "f" } });
    expect(result.data).toBe("plain");
  });

  it("throws ApiError with status, operationId and the parsed JSON error body", async () => {
    const errorBody = {
      Code: 404,
      Text: "Not Found",
      Message: "No thing 9",
      Exception: "ENotFound",
    };
    const fetch = recordingFetch(json(errorBody, 404, { "x-trace": "t9" }));
    const error = await callOperation(client(fetch), getThing, { path: { id: 9 } }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("api_error");
    expect(error.name).toBe("ApiError");
    expect(error.status).toBe(404);
    expect(error.operationId).toBe("getThing");
    expect(error.body).toEqual(errorBody);
    expect(error.headers.get("x-trace")).toBe("t9");
    expect(error.message).toBe("getThing failed with HTTP 404: No thing 9");
  });

  it("keeps an error body that is not JSON as text", async () => {
    const fetch = recordingFetch(
      new Response("<html>Bad gateway</html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      }),
    );
    const error = await callOperation(client(fetch, { retry: false }), getThing, {
      path: { id: 9 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.body).toBe("<html>Bad gateway</html>");
    expect(error.message).toContain("Bad gateway");
  });

  it("keeps a malformed JSON error body as text", async () => {
    const fetch = recordingFetch(
      new Response("{not json", { status: 400, headers: { "content-type": "application/json" } }),
    );
    const error = await callOperation(client(fetch), getThing, { path: { id: 9 } }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.body).toBe("{not json");
  });

  it("treats a status outside `success` as an error even when it is 2xx", async () => {
    const fetch = recordingFetch(json(thing(1), 200));
    const error = await callOperation(client(fetch), createThing, { body: { name: "x" } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(200);
  });
});

describe("callOperation: request validation", () => {
  it("strict: a missing required path parameter throws before fetch is called", async () => {
    const fetch = recordingFetch(json(thing()));
    const error = await callOperation(client(fetch), getThing, {}).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.direction).toBe("request");
    expect(error.operationId).toBe("getThing");
    expect(error.issues).toEqual([{ path: "/path/id", message: "is required" }]);
    expect(fetch.calls).toHaveLength(0);
  });

  it("strict: a missing required query parameter throws", async () => {
    const fetch = recordingFetch(json([]));
    await expect(callOperation(client(fetch), listThings, { query: {} })).rejects.toMatchObject({
      issues: [{ path: "/query/limit", message: "is required" }],
    });
    expect(fetch.calls).toHaveLength(0);
  });

  it("strict: a parameter of the wrong type or out of range throws", async () => {
    const fetch = recordingFetch(json([]));
    const error = await callOperation(client(fetch), listThings, {
      query: { limit: 500, status: "gone" },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(["/query/limit", "/query/status"]);
    expect(error.message).toContain("/query/status must be one of");
    expect(fetch.calls).toHaveLength(0);

    const wrongType = await callOperation(client(fetch), getThing, { path: { id: "abc" } }).catch(
      (e) => e,
    );
    expect(wrongType).toBeInstanceOf(ValidationError);
    expect(wrongType.issues[0]).toEqual({ path: "/path/id", message: "must be integer" });
    expect(fetch.calls).toHaveLength(0);
  });

  it("strict: a bad body throws with issue paths under /body", async () => {
    const fetch = recordingFetch(json(thing(), 201));
    const error = await callOperation(client(fetch), createThing, {
      body: { name: "", colour: "red" },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: "/body/name", message: expect.stringContaining("fewer than 1") },
        { path: "/body", message: 'has unknown property "colour"' },
      ]),
    );
    expect(fetch.calls).toHaveLength(0);
  });

  it("strict: a missing required body throws", async () => {
    const fetch = recordingFetch(json(thing(), 201));
    await expect(callOperation(client(fetch), createThing, {})).rejects.toMatchObject({
      issues: [{ path: "/body", message: "is required" }],
    });
    expect(fetch.calls).toHaveLength(0);
  });

  it("report: hands the problem to onValidationIssue and still sends the request", async () => {
    const fetch = recordingFetch(json(thing(), 201));
    const onValidationIssue = vi.fn();
    const result = await callOperation(
      client(fetch, { validation: "report", onValidationIssue }),
      createThing,
      { body: { name: 5 } },
    );
    expect(result.status).toBe(201);
    expect(fetch.calls).toHaveLength(1);
    expect(JSON.parse(fetch.calls[0]!.body!)).toEqual({ name: 5 });
    expect(onValidationIssue).toHaveBeenCalledTimes(1);
    const error = onValidationIssue.mock.calls[0]![0] as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.direction).toBe("request");
    expect(error.issues).toEqual([{ path: "/body/name", message: "must be string" }]);
  });

  it("off: skips the check and never calls onValidationIssue", async () => {
    const fetch = recordingFetch(json({ anything: true }, 201));
    const onValidationIssue = vi.fn();
    const result = await callOperation(
      client(fetch, { validation: "off", onValidationIssue }),
      createThing,
      { body: { name: 5 } },
    );
    expect(result.data).toEqual({ anything: true });
    expect(fetch.calls).toHaveLength(1);
    expect(onValidationIssue).not.toHaveBeenCalled();
  });

  it("lists at most three issues in the message", async () => {
    const fetch = recordingFetch(json([]));
    const error = await callOperation(client(fetch), getThing, {
      path: { id: "x" },
      query: { verbose: "yes" },
      headers: { "X-Request-ID": 5 },
    }).catch((e) => e);
    expect(error.issues).toHaveLength(3);
    expect(error.message).not.toContain("more");

    const many = new ValidationError({
      operationId: "op",
      direction: "response",
      issues: [1, 2, 3, 4, 5].map((n) => ({ path: `/${n}`, message: "bad" })),
    });
    expect(many.message).toBe(
      "op: response does not match the contract: /1 bad; /2 bad; /3 bad (+2 more)",
    );
  });
});

describe("callOperation: response validation", () => {
  const broken = { id: 0, name: "lamp" };

  it("strict: a success body that breaks the contract throws a response ValidationError", async () => {
    const fetch = recordingFetch(json(broken));
    const error = await callOperation(client(fetch), getThing, { path: { id: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.direction).toBe("response");
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: "/id", message: "must be >= 1" },
        { path: "", message: "must have required property 'status'" },
      ]),
    );
    expect(fetch.calls).toHaveLength(1);
  });

  it("report: returns the data and reports the problem", async () => {
    const fetch = recordingFetch(json(broken));
    const onValidationIssue = vi.fn();
    const result = await callOperation(
      client(fetch, { validation: "report", onValidationIssue }),
      getThing,
      { path: { id: 1 } },
    );
    expect(result.data).toEqual(broken);
    expect(onValidationIssue).toHaveBeenCalledTimes(1);
    expect(onValidationIssue.mock.calls[0]![0].direction).toBe("response");
  });

  it("off: returns the data without checking", async () => {
    const fetch = recordingFetch(json(broken));
    const onValidationIssue = vi.fn();
    const result = await callOperation(
      client(fetch, { validation: "off", onValidationIssue }),
      getThing,
      { path: { id: 1 } },
    );
    expect(result.data).toEqual(broken);
    expect(onValidationIssue).not.toHaveBeenCalled();
  });

  it("a contract-breaking error body is only reported, even under strict, and ApiError still wins", async () => {
    const fetch = recordingFetch(json({ Code: "not a number" }, 400));
    const onValidationIssue = vi.fn();
    const error = await callOperation(client(fetch, { onValidationIssue }), getThing, {
      path: { id: 1 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(onValidationIssue).toHaveBeenCalledTimes(1);
    const issue = onValidationIssue.mock.calls[0]![0] as ValidationError;
    expect(issue.direction).toBe("response");
    expect(issue.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["/Code"]));
  });
});

describe("callOperation: timeouts, aborts and transport failures", () => {
  it("throws TimeoutError when no answer arrives within timeoutMs", async () => {
    const fetch = hangingFetch();
    const started = Date.now();
    const error = await callOperation(client(fetch, { timeoutMs: 30 }), getThing, {
      path: { id: 1 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe("timeout");
    expect(error.timeoutMs).toBe(30);
    expect(error.operationId).toBe("getThing");
    expect(Date.now() - started).toBeLessThan(2_000);
    // A timeout is not retried.
    expect(fetch.state.calls).toBe(1);
  });

  it("a per-call timeout overrides the client's", async () => {
    const fetch = hangingFetch();
    const error = await callOperation(
      client(fetch, { timeoutMs: 60_000 }),
      getThing,
      { path: { id: 1 } },
      { timeoutMs: 20 },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(20);
  });

  it("timeoutMs 0 passes no timeout signal", async () => {
    const fetch = recordingFetch(json(thing()));
    await callOperation(client(fetch, { timeoutMs: 0 }), getThing, { path: { id: 1 } });
    expect(fetch.calls[0]!.signal).toBeUndefined();
  });

  it("throws AbortError when the caller aborts", async () => {
    const fetch = hangingFetch();
    const controller = new AbortController();
    const pending = callOperation(
      client(fetch),
      getThing,
      { path: { id: 1 } },
      {
        signal: controller.signal,
      },
    ).catch((e) => e);
    await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error("user cancelled"));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe("aborted");
    expect(error.operationId).toBe("getThing");
    expect((error.cause as Error).message).toBe("user cancelled");
  });

  it("throws AbortError for a signal that is already aborted", async () => {
    const fetch = hangingFetch();
    await expect(
      callOperation(client(fetch), getThing, { path: { id: 1 } }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
  });

  it("throws AbortError when the caller aborts while waiting to retry", async () => {
    const fetch = recordingFetch(json({}, 503));
    const controller = new AbortController();
    const pending = callOperation(
      client(fetch, { retry: { retries: 3, minDelayMs: 10_000, maxDelayMs: 10_000 } }),
      getThing,
      { path: { id: 1 } },
      { signal: controller.signal },
    ).catch((e) => e);
    await vi.waitFor(() => expect(fetch.calls).toHaveLength(1));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(fetch.calls).toHaveLength(1);
  });

  it("throws TransportError when fetch fails without an answer", async () => {
    const cause = new TypeError("fetch failed");
    const fetch = vi.fn(async () => {
      throw cause;
    });
    const error = await callOperation(
      client(fetch as unknown as typeof globalThis.fetch, { retry: false }),
      getThing,
      { path: { id: 1 } },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe("transport_error");
    expect(error.cause).toBe(cause);
    expect(error.operationId).toBe("getThing");
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("callOperation: retries", () => {
  const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 5 };

  it("retries an idempotent GET on 503 and returns the later success", async () => {
    const fetch = recordingFetch(json({ Code: 503, Message: "busy" }, 503), json(thing(5)));
    const result = await callOperation(client(fetch, { retry: fast }), getThing, {
      path: { id: 5 },
    });
    expect(result.status).toBe(200);
    expect(result.data).toEqual(thing(5));
    expect(fetch.calls).toHaveLength(2);
    expect(fetch.calls[1]!.url.pathname).toBe("/v1/things/5");
  });

  it("retries on 429 as well", async () => {
    const fetch = recordingFetch(json({}, 429), json(thing(5)));
    await callOperation(client(fetch, { retry: fast }), getThing, { path: { id: 5 } });
    expect(fetch.calls).toHaveLength(2);
  });

  it("retries idempotent calls by default", async () => {
    const fetch = recordingFetch(json({}, 503, { "retry-after": "0" }), json(thing(5)));
    const result = await callOperation(client(fetch), getThing, { path: { id: 5 } });
    expect(result.status).toBe(200);
    expect(fetch.calls).toHaveLength(2);
  });

  it("honours Retry-After: 0 instead of the (long) backoff", async () => {
    const fetch = recordingFetch(json({}, 503, { "retry-after": "0" }), json(thing(5)));
    const started = Date.now();
    await callOperation(
      client(fetch, { retry: { retries: 1, minDelayMs: 20_000, maxDelayMs: 20_000 } }),
      getThing,
      { path: { id: 5 } },
    );
    expect(fetch.calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("caps a long Retry-After at maxDelayMs", async () => {
    const fetch = recordingFetch(json({}, 503, { "retry-after": "3600" }), json(thing(5)));
    const started = Date.now();
    await callOperation(
      client(fetch, { retry: { retries: 1, minDelayMs: 1, maxDelayMs: 10 } }),
      getThing,
      { path: { id: 5 } },
    );
    expect(fetch.calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never retries a POST", async () => {
    const fetch = recordingFetch(json({ Code: 503, Message: "busy" }, 503), json(thing(), 201));
    const error = await callOperation(client(fetch, { retry: fast }), createThing, {
      body: { name: "x" },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(fetch.calls).toHaveLength(1);
  });

  it("never retries a POST after a transport error", async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError("fetch failed");
    });
    await expect(
      callOperation(
        client(fetch as unknown as typeof globalThis.fetch, { retry: fast }),
        createThing,
        { body: { name: "x" } },
      ),
    ).rejects.toBeInstanceOf(TransportError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("retry: false disables retries", async () => {
    const fetch = recordingFetch(json({}, 503), json(thing(5)));
    const error = await callOperation(client(fetch, { retry: false }), getThing, {
      path: { id: 5 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
    expect(fetch.calls).toHaveLength(1);
  });

  it("stops after `retries` repeats and reports the last answer", async () => {
    const fetch = recordingFetch((_c, i) => json({ Code: 503, Message: `busy ${i}` }, 503));
    const error = await callOperation(client(fetch, { retry: { ...fast, retries: 3 } }), getThing, {
      path: { id: 5 },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(fetch.calls).toHaveLength(4);
    expect(error.body).toEqual({ Code: 503, Message: "busy 3" });
  });

  it("retries transport errors of idempotent calls, then gives up with TransportError", async () => {
    let calls = 0;
    const failing = (async () => {
      calls++;
      throw new TypeError("connection refused");
    }) as unknown as typeof globalThis.fetch;
    await expect(
      callOperation(client(failing, { retry: fast }), getThing, { path: { id: 5 } }),
    ).rejects.toBeInstanceOf(TransportError);
    expect(calls).toBe(3);

    calls = 0;
    const flaky = (async () => {
      calls++;
      if (calls === 1) throw new TypeError("reset");
      return json(thing(5));
    }) as unknown as typeof globalThis.fetch;
    const result = await callOperation(client(flaky, { retry: fast }), getThing, {
      path: { id: 5 },
    });
    expect(result.status).toBe(200);
    expect(calls).toBe(2);
  });

  it("does not retry other error statuses", async () => {
    const fetch = recordingFetch(json({}, 500), json(thing(5)));
    await expect(
      callOperation(client(fetch, { retry: fast }), getThing, { path: { id: 5 } }),
    ).rejects.toMatchObject({ status: 500 });
    expect(fetch.calls).toHaveLength(1);
  });
});

describe("callOperation: middleware", () => {
  it("onRequest can add a header; onResponse sees the raw body bytes and the request", async () => {
    const fetch = recordingFetch(json(thing(8)));
    const seen: { response?: IncomingResponse; request?: OutgoingRequest } = {};
    await callOperation(
      client(fetch, {
        middleware: [
          {
            onRequest(request) {
              request.headers.set("x-signature", `sig:${request.method}:${request.url.pathname}`);
            },
          },
          {
            onResponse(response, request) {
              seen.response = response;
              seen.request = request;
            },
          },
        ],
      }),
      getThing,
      { path: { id: 8 } },
    );
    expect(fetch.calls[0]!.headers.get("x-signature")).toBe("sig:GET:/v1/things/8");
    expect(seen.response!.body).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(seen.response!.body)).toBe(JSON.stringify(thing(8)));
    expect(seen.response!.status).toBe(200);
    expect(seen.response!.operationId).toBe("getThing");
    expect(seen.request!.operationId).toBe("getThing");
  });

  it("runs hooks and middleware in order, waiting for the asynchronous ones", async () => {
    const fetch = recordingFetch(json(thing(8)));
    const order: string[] = [];
    const later = () => new Promise((resolve) => setTimeout(resolve, 5));
    const slowHook: AuthHook = async (request) => {
      await later();
      order.push("slow hook");
      request.headers.set("x-slow", "1");
    };
    const error = await callOperation(
      client(fetch, {
        auth: [
          slowHook,
          (request) => void order.push(`sync hook sees x-slow=${request.headers.get("x-slow")}`),
        ],
        middleware: [
          {
            async onRequest(request) {
              await later();
              order.push("async onRequest");
              request.headers.set("x-mw", "2");
            },
            onResponse() {
              order.push("sync onResponse");
            },
          },
          {
            onRequest: () => void order.push("sync onRequest"),
            async onResponse() {
              await later();
              order.push("async onResponse");
              throw new Error("rejected by middleware");
            },
          },
        ],
      }),
      getThing,
      { path: { id: 8 } },
    ).catch((e) => e);
    expect(error.message).toBe("rejected by middleware");
    expect(order).toEqual([
      "slow hook",
      "sync hook sees x-slow=1",
      "async onRequest",
      "sync onRequest",
      "sync onResponse",
      "async onResponse",
    ]);
    expect(fetch.calls[0]!.headers.get("x-slow")).toBe("1");
    expect(fetch.calls[0]!.headers.get("x-mw")).toBe("2");
  });

  it("onRequest sees the encoded body", async () => {
    const fetch = recordingFetch(json(thing(), 201));
    let body: string | undefined;
    await callOperation(
      client(fetch, {
        middleware: [
          {
            onRequest(request) {
              body = new TextDecoder().decode(request.body);
            },
          },
        ],
      }),
      createThing,
      { body: { name: "x" } },
    );
    expect(body).toBe('{"name":"x"}');
  });

  it("onResponse can throw to reject the answer", async () => {
    const fetch = recordingFetch(json(thing(8)));
    await expect(
      callOperation(
        client(fetch, {
          middleware: [
            {
              onResponse() {
                throw new Error("bad signature");
              },
            },
          ],
        }),
        getThing,
        { path: { id: 8 } },
      ),
    ).rejects.toThrow("bad signature");
  });
});

describe("callOperation over real HTTP", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/stall")) {
        // Headers and a first chunk, then nothing: the body never ends.
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(thing(1)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const stalling: OperationDescriptor = { ...getThing, path: "/stall/{id}" };

  it("a body that stalls after the headers is a TimeoutError", async () => {
    const c = createClient(bundle, { baseUrl: url, timeoutMs: 100, retry: false });
    const error = await callOperation(c, stalling, { path: { id: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeoutMs).toBe(100);
  });

  it("a caller abort while the body is read is an AbortError", async () => {
    const c = createClient(bundle, { baseUrl: url, timeoutMs: 0, retry: false });
    const error = await callOperation(
      c,
      stalling,
      { path: { id: 1 } },
      { signal: AbortSignal.timeout(100) },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it("a refused connection is a TransportError", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const c = createClient(bundle, { baseUrl: `http://127.0.0.1:${port}`, retry: false });
    const error = await callOperation(c, getThing, { path: { id: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("uses the global fetch when none is injected", async () => {
    const c = createClient(bundle, { baseUrl: url });
    const result = await callOperation(c, getThing, { path: { id: 1 } });
    expect(result.data).toEqual(thing(1));
  });
});

describe("form-encoded bodies", () => {
  it("encodes fields, repeats arrays and leaves out null and undefined", async () => {
    const { encodeBody } = await import("../src/client.js");
    expect(
      encodeBody(
        { grant_type: "password", username: "u ser", scope: ["a", "b"], x: null, y: undefined },
        "application/x-www-form-urlencoded",
      ),
    ).toBe("grant_type=password&username=u+ser&scope=a&scope=b");
    expect(encodeBody({ a: 1 }, "application/json")).toBe('{"a":1}');
  });
});

describe("operationUrl", () => {
  it("fills path and query parameters and checks them like a call", async () => {
    const { operationUrl } = await import("../src/client.js");
    const { createClient: make } = await import("../src/schema-client.js");
    const op = {
      operationId: "authorize",
      method: "GET" as const,
      path: "/oauth/{tenant}/authorize",
      params: [
        {
          name: "tenant",
          in: "path" as const,
          required: true,
          kind: "string" as const,
          schema: { type: "string" },
        },
        {
          name: "client_id",
          in: "query" as const,
          required: true,
          kind: "string" as const,
          schema: { type: "string" },
        },
        {
          name: "scope",
          in: "query" as const,
          required: false,
          kind: "string" as const,
          schema: { type: "string" },
        },
      ],
      responses: { "302": {} },
      success: [],
      security: [],
    };
    const c = make({ $id: "urn:test:url", $defs: {} }, { baseUrl: "https://sts.example/STS" });
    const url = operationUrl(c, op, {
      path: { tenant: "a b" },
      query: { client_id: "app", scope: "dss" },
    });
    expect(url.toString()).toBe(
      "https://sts.example/STS/oauth/a%20b/authorize?client_id=app&scope=dss",
    );
    expect(() => operationUrl(c, op, { path: { tenant: "t" } })).toThrow(/client_id is required/);
  });
});
