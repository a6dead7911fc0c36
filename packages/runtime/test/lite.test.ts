/**
 * The client without validation (`createLiteClient`, `callLiteOperation`): no contract check in
 * either direction, and the validating client's transport otherwise: auth hooks, middleware,
 * retries, timeouts, typed errors.
 */
import { describe, expect, it } from "vitest";
import {
  ApiError,
  type AuthHook,
  basicAuth,
  ConfigurationError,
  callLiteOperation,
  createLiteClient,
  createOperationClient,
  type LiteClient,
  type LiteClientOptions,
  liteOperationUrl,
  TimeoutError,
  ValidationError,
} from "../src/index.js";
import { createThing, getThing, json, recordingFetch, thing } from "./fixtures.js";

const baseUrl = "http://api.test/v1";
const lite = (fetch: typeof globalThis.fetch, options: LiteClientOptions = {}) =>
  createLiteClient({ baseUrl, fetch, retry: { minDelayMs: 1 }, ...options });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("createLiteClient", () => {
  it("refuses a validation policy other than off, and a base URL without a scheme", () => {
    for (const validation of ["strict", "report", "on"]) {
      const options = { validation } as unknown as LiteClientOptions;
      expect(() => createLiteClient(options)).toThrow(ConfigurationError);
    }
    expect(createLiteClient({ validation: "off" }).lite).toBe(true);
    expect(() => createLiteClient({ baseUrl: "api.test/v1" })).toThrow(/baseUrl must be/);
  });

  it("is refused by callLiteOperation when it is a validating client", async () => {
    const validating = createOperationClient({ baseUrl }) as unknown as LiteClient;
    const error = await rejection(callLiteOperation(validating, getThing, { path: { id: 1 } }));
    expect(error).toBeInstanceOf(ConfigurationError);
  });
});

describe("callLiteOperation", () => {
  it("sends what it is given without checking it, and returns the answer as it is", async () => {
    const fetch = recordingFetch(json({ id: "not a number" }, 201));
    // The body breaks the contract (no name) and so does the answer (id is a string).
    const result = await callLiteOperation(lite(fetch), createThing, { body: { tags: 1 } });
    expect(result).toMatchObject({ status: 201, data: { id: "not a number" } });
    expect(fetch.calls[0]!.body).toBe('{"tags":1}');
    expect(fetch.calls[0]!.headers.get("content-type")).toBe("application/json");
  });

  it("fills path, query and header parameters", async () => {
    const fetch = recordingFetch(json(thing(7)));
    await callLiteOperation(lite(fetch), getThing, {
      path: { id: 7 },
      query: { verbose: true },
      headers: { "X-Request-ID": "r1" },
    });
    expect(fetch.calls[0]!.url.href).toBe("http://api.test/v1/things/7?verbose=true");
    expect(fetch.calls[0]!.headers.get("x-request-id")).toBe("r1");
  });

  it("refuses a '..' path segment, whatever the missing validation", async () => {
    const fetch = recordingFetch(json(thing()));
    const error = await rejection(callLiteOperation(lite(fetch), getThing, { path: { id: ".." } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(fetch.calls).toHaveLength(0);
  });

  it("throws an ApiError for an error status, with the body parsed", async () => {
    const fetch = recordingFetch(json({ Code: 404, Text: "Not Found" }, 404));
    const error = await rejection(callLiteOperation(lite(fetch), getThing, { path: { id: 1 } }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, body: { Code: 404, Text: "Not Found" } });
  });

  it("runs auth hooks and middleware, and retries an idempotent call after a 503", async () => {
    const fetch = recordingFetch(json({}, 503), json(thing(2)));
    const seen: number[] = [];
    const hook: AuthHook = basicAuth("user", "pw");
    const client = lite(fetch, {
      auth: hook,
      middleware: [{ onResponse: (r) => void seen.push(r.status) }],
    });
    const result = await callLiteOperation(client, getThing, { path: { id: 2 } });
    expect(result.status).toBe(200);
    expect(fetch.calls).toHaveLength(2);
    expect(fetch.calls[1]!.headers.get("authorization")).toBe("Basic dXNlcjpwdw==");
    expect(seen).toEqual([200]);
  });

  it("times out with a TimeoutError", async () => {
    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
      )) as typeof globalThis.fetch;
    const error = await rejection(
      callLiteOperation(lite(hanging, { timeoutMs: 20, retry: false }), getThing, {
        path: { id: 1 },
      }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe("liteOperationUrl", () => {
  it("builds the URL with its parameters without checking them", () => {
    const client = createLiteClient({ baseUrl });
    // id breaks the contract (an integer): the URL is built as given.
    const url = liteOperationUrl(client, getThing, {
      path: { id: "x y" },
      query: { verbose: true },
    });
    expect(url.href).toBe("http://api.test/v1/things/x%20y?verbose=true");
  });

  it("refuses a validating client", () => {
    const validating = createOperationClient({ baseUrl }) as unknown as LiteClient;
    expect(() => liteOperationUrl(validating, getThing, { path: { id: 1 } })).toThrow(
      expect.objectContaining({ option: "client" }) as Error,
    );
  });
});
