import { describe, expect, it, vi } from "vitest";
import {
  basicAuth,
  bearerAuth,
  callOperation,
  createClient,
  headerAuth,
  type OutgoingRequest,
  parseBasicAuth,
} from "../src/index.js";
import { bundle, getThing, json, recordingFetch, thing } from "./fixtures.js";

function outgoing(): OutgoingRequest {
  return {
    operationId: "op",
    method: "GET",
    url: new URL("http://api.test/x"),
    headers: new Headers(),
    body: undefined,
  };
}

describe("auth hooks", () => {
  it("basicAuth sets a Basic header with base64 UTF-8 credentials", async () => {
    const request = outgoing();
    await basicAuth("alice", "s3cret:with:colons")(request);
    const header = request.headers.get("authorization")!;
    expect(header).toBe(`Basic ${Buffer.from("alice:s3cret:with:colons").toString("base64")}`);
    expect(header).toBe("Basic YWxpY2U6czNjcmV0OndpdGg6Y29sb25z");
  });

  it("basicAuth encodes non-ASCII credentials as UTF-8", async () => {
    const request = outgoing();
    await basicAuth("jürgen", "pässwörd")(request);
    const encoded = request.headers.get("authorization")!.slice("Basic ".length);
    expect(Buffer.from(encoded, "base64").toString("utf8")).toBe("jürgen:pässwörd");
  });

  it("bearerAuth with a fixed token", async () => {
    const request = outgoing();
    await bearerAuth("tok-123")(request);
    expect(request.headers.get("authorization")).toBe("Bearer tok-123");
  });

  it("bearerAuth asks an async provider on every request", async () => {
    let n = 0;
    const provider = vi.fn(async () => {
      await new Promise((r) => setTimeout(r, 1));
      n++;
      return `tok-${n}`;
    });
    const hook = bearerAuth(provider);
    const first = outgoing();
    const second = outgoing();
    await hook(first);
    await hook(second);
    expect(first.headers.get("authorization")).toBe("Bearer tok-1");
    expect(second.headers.get("authorization")).toBe("Bearer tok-2");
    expect(provider).toHaveBeenCalledTimes(2);
  });

  it("bearerAuth accepts a synchronous provider", async () => {
    const request = outgoing();
    await bearerAuth(() => "sync-token")(request);
    expect(request.headers.get("authorization")).toBe("Bearer sync-token");
  });

  it("headerAuth sets the API's own header, from a string or a provider", async () => {
    const a = outgoing();
    await headerAuth("clientToken", "ct-1")(a);
    expect(a.headers.get("clienttoken")).toBe("ct-1");
    expect(a.headers.has("authorization")).toBe(false);

    const b = outgoing();
    await headerAuth("X-Api-Key", async () => "key-2")(b);
    expect(b.headers.get("x-api-key")).toBe("key-2");
  });

  it("the client runs its auth hooks (one or several) before sending", async () => {
    const fetch = recordingFetch(json(thing()));
    await callOperation(
      createClient(bundle, {
        baseUrl: "http://api.test",
        fetch,
        auth: bearerAuth(async () => "abc"),
      }),
      getThing,
      { path: { id: 1 } },
    );
    expect(fetch.calls[0]!.headers.get("authorization")).toBe("Bearer abc");

    await callOperation(
      createClient(bundle, {
        baseUrl: "http://api.test",
        fetch,
        auth: [basicAuth("u", "p"), headerAuth("clientToken", "ct")],
      }),
      getThing,
      { path: { id: 1 } },
    );
    expect(fetch.calls[1]!.headers.get("authorization")).toBe(
      `Basic ${Buffer.from("u:p").toString("base64")}`,
    );
    expect(fetch.calls[1]!.headers.get("clienttoken")).toBe("ct");
  });

  it("a failing token provider fails the call before anything is sent", async () => {
    const fetch = recordingFetch(json(thing()));
    await expect(
      callOperation(
        createClient(bundle, {
          baseUrl: "http://api.test",
          fetch,
          auth: bearerAuth(async () => {
            throw new Error("no token");
          }),
        }),
        getThing,
        { path: { id: 1 } },
      ),
    ).rejects.toThrow("no token");
    expect(fetch.calls).toHaveLength(0);
  });
});

describe("parseBasicAuth", () => {
  it("round-trips what basicAuth writes", async () => {
    for (const [user, pass] of [
      ["alice", "secret"],
      ["bob", "with:colon"],
      ["jürgen", "pässwörd ✓"],
      ["empty", ""],
    ] as const) {
      const request = outgoing();
      await basicAuth(user, pass)(request);
      expect(parseBasicAuth(request.headers.get("authorization"))).toEqual({
        username: user,
        password: pass,
      });
    }
  });

  it("accepts any case of the scheme and surrounding whitespace at the end", () => {
    const token = Buffer.from("a:b").toString("base64");
    expect(parseBasicAuth(`basic ${token}`)).toEqual({ username: "a", password: "b" });
    expect(parseBasicAuth(`BASIC   ${token}  `)).toEqual({ username: "a", password: "b" });
  });

  it("returns undefined for absent or malformed headers", () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth(null)).toBeUndefined();
    expect(parseBasicAuth("")).toBeUndefined();
    expect(parseBasicAuth("Basic")).toBeUndefined();
    expect(parseBasicAuth("Basic ")).toBeUndefined();
    expect(parseBasicAuth("Bearer YTpi")).toBeUndefined();
    expect(parseBasicAuth("Basic !!!not-base64!!!")).toBeUndefined();
    expect(parseBasicAuth(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined();
    expect(parseBasicAuth(`Basic YTpi extra`)).toBeUndefined();
  });
});
