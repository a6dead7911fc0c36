import { inspect } from "node:util";
import { cachedToken, parseBasicAuth } from "@trustspec/runtime";
import { UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createSubjectToken,
  delegatedTokenProvider,
  JWT_TOKEN_TYPE,
  OAuthRequestError,
  requestDelegatedToken,
  TOKEN_EXCHANGE_GRANT_TYPE,
  TokenCache,
} from "../src/oauth/index.js";
import { decodePart, manualClock, startSts } from "./flows-support.js";

describe("subject JWT", () => {
  // The guide's example: iat 1488312889, exp one hour later (lines 12800-12811).
  const now = () => 1488312889_400;

  it("is unsigned: alg none header, claims, and a mandatory trailing dot", () => {
    const jwt = createSubjectToken("my-dss-test-1488312836", { now });
    expect(jwt.endsWith(".")).toBe(true);
    const parts = jwt.split(".");
    expect(parts).toHaveLength(3);
    expect(parts[2]).toBe("");
    expect(decodePart(parts[0]!)).toEqual({ alg: "none", typ: "JWT" });
    // The header is the constant the guide prints (line 12847).
    expect(parts[0]).toBe("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0");
    expect(decodePart(parts[1]!)).toEqual({
      unique_name: "my-dss-test-1488312836",
      nbf: 1488312889,
      exp: 1488316489,
      iat: 1488312889,
    });
    // Same payload as the guide's subject_token (lines 12769-12771), claim for claim.
    expect(decodePart(parts[1]!)).toEqual(
      decodePart(
        "eyJ1bmlxdWVfbmFtZSI6Im15LWRzcy10ZXN0LTE0ODgzMTI4MzYiLCJuYmYiOjE0ODgzMTI4ODksImV4cCI6MTQ4ODMxNjQ4OSwiaWF0IjoxNDg4MzEyODg5fQ",
      ),
    );
    // A standard unsecured-JWT reader accepts it.
    const decoded = UnsecuredJWT.decode(jwt, { currentDate: new Date(now()) });
    expect(decoded.payload.unique_name).toBe("my-dss-test-1488312836");
  });

  it("takes its lifetime from the options and refuses nonsense", () => {
    const parts = createSubjectToken("u", { now, lifetimeSeconds: 60 }).split(".");
    const claims = decodePart(parts[1]!) as { exp: number; iat: number; nbf: number };
    expect(claims.exp - claims.iat).toBe(60);
    expect(claims.nbf).toBe(claims.iat);
    expect(() => createSubjectToken("")).toThrow(TypeError);
    expect(() => createSubjectToken("u", { lifetimeSeconds: 0 })).toThrow(RangeError);
  });
});

describe("token exchange (delegation)", () => {
  it("sends the exact form fields of §8.1.2.2.2", async () => {
    const seen: Record<string, unknown>[] = [];
    let basic: unknown;
    const sts = await startSts({
      token: (ctx) => {
        seen.push(ctx.body as Record<string, unknown>);
        basic = parseBasicAuth(ctx.request.headers.authorization);
        return {
          status: 200,
          body: { access_token: "delegated", expires_in: 300, token_type: "Bearer" },
        };
      },
    });
    const clock = manualClock(1488312889_000);
    const answer = await requestDelegatedToken(sts, {
      client: { clientId: "wpf.hybrid" },
      actorToken: "operator-token-abc",
      login: "my-dss-test-1488312836",
      resource: "https://dss.example/SignServer/rest",
      now: clock.now,
    });
    expect(answer.access_token).toBe("delegated");
    expect(basic).toBeUndefined();
    const body = seen[0]!;
    expect(Object.keys(body).sort()).toEqual(
      [
        "actor_token",
        "actor_token_type",
        "client_id",
        "grant_type",
        "resource",
        "subject_token",
        "subject_token_type",
      ].sort(),
    );
    expect(body).toMatchObject({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      actor_token: "operator-token-abc",
      actor_token_type: JWT_TOKEN_TYPE,
      subject_token_type: JWT_TOKEN_TYPE,
      client_id: "wpf.hybrid",
      resource: "https://dss.example/SignServer/rest",
    });
    expect(TOKEN_EXCHANGE_GRANT_TYPE).toBe("urn:ietf:params:oauth:grant-type:token-exchange");
    expect(JWT_TOKEN_TYPE).toBe("urn:ietf:params:oauth:token-type:jwt");
    expect(body.subject_token).toBe(
      createSubjectToken("my-dss-test-1488312836", { now: clock.now }),
    );
  });

  it("drops a refused operator token from its provider and retries once, never more", async () => {
    let exchanges = 0;
    const actors: unknown[] = [];
    const sts = await startSts({
      token: (ctx) => {
        exchanges++;
        actors.push((ctx.body as { actor_token: string }).actor_token);
        return {
          status: 400,
          body: { error: "invalid_grant", error_description: "actor token expired" },
        };
      },
    });
    let operatorTokens = 0;
    const operator = cachedToken(async () => ({ token: `op-${++operatorTokens}`, expiresIn: 300 }));
    const error = await requestDelegatedToken(sts, {
      client: { clientId: "wpf.hybrid" },
      actorToken: operator,
      login: "user",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthRequestError);
    expect((error as OAuthRequestError).error).toBe("invalid_grant");
    expect(exchanges).toBe(2);
    expect(actors).toEqual(["op-1", "op-2"]);
    for (const text of [(error as Error).message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain("op-1");
      expect(text).not.toContain("op-2");
    }
  });

  it("caches delegated tokens per user through the token cache", async () => {
    const subjects: string[] = [];
    const sts = await startSts({
      token: (ctx) => {
        const jwt = (ctx.body as { subject_token: string }).subject_token;
        subjects.push((decodePart(jwt.split(".")[1]!) as { unique_name: string }).unique_name);
        return { status: 200, body: { access_token: `for-${subjects.at(-1)}`, expires_in: 300 } };
      },
    });
    const cache = new TokenCache();
    const options = { client: { clientId: "wpf.hybrid" }, actorToken: "op" };
    const alice = cache.delegated(sts, { ...options, login: "alice" });
    expect(cache.delegated(sts, { ...options, login: "alice" })).toBe(alice);
    const bob = cache.delegated(sts, { ...options, login: "bob" });
    expect(await alice.getToken()).toBe("for-alice");
    expect(await alice.getToken()).toBe("for-alice");
    expect(await bob.getToken()).toBe("for-bob");
    expect(subjects).toEqual(["alice", "bob"]);
    // A provider made directly works the same way.
    const direct = delegatedTokenProvider(sts, { ...options, login: "carol" });
    expect(await direct.getToken()).toBe("for-carol");
  });
});
