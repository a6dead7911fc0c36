import { describe, expect, it } from "vitest";
import { bearerAuth, headerAuth } from "../src/auth.js";
import { callOperation } from "../src/client.js";
import { ApiError } from "../src/errors.js";
import type { OperationDescriptor } from "../src/operation.js";
import { createClient } from "../src/schema-client.js";
import { cachedToken } from "../src/token.js";

function issuer(lifetimeSeconds?: number) {
  let n = 0;
  const calls: number[] = [];
  const fetchToken = async () => {
    n++;
    calls.push(n);
    await new Promise((r) => setTimeout(r, 5));
    return {
      token: `t${n}`,
      ...(lifetimeSeconds === undefined ? {} : { expiresIn: lifetimeSeconds }),
    };
  };
  return { fetchToken, calls };
}

describe("cachedToken", () => {
  it("50 callers racing at expiry cause exactly one token request", async () => {
    let clock = 0;
    const { fetchToken, calls } = issuer(60);
    const provider = cachedToken(fetchToken, { now: () => clock, refreshBeforeMs: 10_000 });
    expect(await provider.getToken()).toBe("t1");
    clock = 49_000; // still 11 s before the refresh point's margin ends
    expect(await provider.getToken()).toBe("t1");
    clock = 50_000; // 10 s before expiry: refresh
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["t2"]));
    expect(calls).toEqual([1, 2]);
  });

  it("a failed fetch is not cached: the next call tries again", async () => {
    let fail = true;
    const provider = cachedToken(async () => {
      if (fail) throw new Error("idp down");
      return { token: "ok" };
    });
    await expect(Promise.all([provider.getToken(), provider.getToken()])).rejects.toThrow(
      "idp down",
    );
    fail = false;
    expect(await provider.getToken()).toBe("ok");
  });

  it("invalidate drops only the token it names", async () => {
    const { fetchToken, calls } = issuer();
    const provider = cachedToken(fetchToken);
    await provider.getToken();
    provider.invalidate("other");
    expect(await provider.getToken()).toBe("t1");
    provider.invalidate("t1");
    expect(await provider.getToken()).toBe("t2");
    expect(calls).toEqual([1, 2]);
  });
});

describe("bearer token and 401", () => {
  const op: OperationDescriptor = {
    operationId: "getThing",
    method: "GET",
    path: "/thing",
    params: [],
    responses: {
      "200": { mediaType: "application/json" },
      "401": { mediaType: "application/json" },
    },
    success: [200],
    security: ["bearer"],
  };
  const bundle = { $id: "urn:test:token", $defs: {} };

  function server(acceptFrom: number) {
    const seen: string[] = [];
    const fetch = (async (_url: URL, init: RequestInit) => {
      const auth = new Headers(init.headers).get("authorization") ?? "";
      seen.push(auth);
      const n = Number(auth.replace("Bearer t", ""));
      return n >= acceptFrom
        ? new Response('{"ok":true}', {
            status: 200,
            headers: { "content-type": "application/json" },
          })
        : new Response('{"Message":"Authorization has been denied for this request."}', {
            status: 401,
            headers: { "content-type": "application/json" },
          });
    }) as unknown as typeof globalThis.fetch;
    return { fetch, seen };
  }

  it("a 401 causes one refresh and one retry", async () => {
    const { fetchToken, calls } = issuer(3600);
    const { fetch, seen } = server(2);
    const client = createClient(bundle, {
      baseUrl: "http://x",
      fetch,
      auth: bearerAuth(cachedToken(fetchToken)),
    });
    const result = await callOperation(client, op, {});
    expect(result.status).toBe(200);
    expect(seen).toEqual(["Bearer t1", "Bearer t2"]);
    expect(calls).toEqual([1, 2]);
  });

  it("a second 401 is the caller's error, never a loop", async () => {
    const { fetchToken, calls } = issuer(3600);
    const { fetch, seen } = server(99);
    const client = createClient(bundle, {
      baseUrl: "http://x",
      fetch,
      auth: bearerAuth(cachedToken(fetchToken)),
    });
    const error = await callOperation(client, op, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(calls).toEqual([1, 2]);
    expect((error as ApiError).message).not.toContain("t2");
  });

  it("a fixed bearer token is not retried on 401", async () => {
    const { fetch, seen } = server(99);
    const client = createClient(bundle, { baseUrl: "http://x", fetch, auth: bearerAuth("t1") });
    await expect(callOperation(client, op, {})).rejects.toBeInstanceOf(ApiError);
    expect(seen).toEqual(["Bearer t1"]);
  });
});

describe("a token in the API's own header and 401", () => {
  const op: OperationDescriptor = {
    operationId: "ping",
    method: "GET",
    path: "/ping",
    params: [],
    responses: {
      "200": { mediaType: "application/json" },
      "401": { mediaType: "application/json" },
    },
    success: [200],
    security: ["ClientTokenAuth"],
  };
  const bundle = { $id: "urn:test:header-token", $defs: {} };

  it("headerAuth with a provider drops a refused token, fetches one more and retries once", async () => {
    const { fetchToken, calls } = issuer(36_000);
    const seen: string[] = [];
    const fetch = (async (_url: URL, init: RequestInit) => {
      const sent = new Headers(init.headers).get("clientToken") ?? "";
      seen.push(sent);
      return new Response(sent === "t1" ? '{"success":false}' : '{"ok":true}', {
        status: sent === "t1" ? 401 : 200,
        headers: { "content-type": "application/json" },
      });
    }) as unknown as typeof globalThis.fetch;
    const provider = cachedToken(fetchToken);
    const client = createClient(bundle, {
      baseUrl: "http://x",
      fetch,
      auth: headerAuth("clientToken", provider),
    });
    expect((await callOperation(client, op, {})).status).toBe(200);
    expect(seen).toEqual(["t1", "t2"]);
    expect(calls).toEqual([1, 2]);
    // The fresh token is cached: the next call sends it without a new request.
    await callOperation(client, op, {});
    expect(seen).toEqual(["t1", "t2", "t2"]);
    expect(calls).toEqual([1, 2]);
  });

  it("headerAuth with a fixed token is not retried", async () => {
    let n = 0;
    const fetch = (async () => {
      n++;
      return new Response("{}", { status: 401, headers: { "content-type": "application/json" } });
    }) as unknown as typeof globalThis.fetch;
    const client = createClient(bundle, {
      baseUrl: "http://x",
      fetch,
      auth: headerAuth("clientToken", "fixed"),
    });
    await expect(callOperation(client, op, {})).rejects.toBeInstanceOf(ApiError);
    expect(n).toBe(1);
  });
});
