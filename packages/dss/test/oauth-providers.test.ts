import { inspect } from "node:util";
import { ApiError, bearerAuth, parseBasicAuth } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import { getPolicy } from "../src/generated/signserver/client.gen.js";
import type { TokenContext, TokenReply } from "../src/generated/sts/server.gen.js";
import {
  OAuthRequestError,
  passwordTokenProvider,
  requestPasswordToken,
  TokenCache,
  toIssuedToken,
  tokenCacheKey,
} from "../src/oauth/index.js";
import { manualClock, startSign, startSts, tick } from "./flows-support.js";

const PASSWORD = "Pa$$w0rd-7f3c9e";
const SECRET = "client-secret-51ab0d";

/** A token endpoint that numbers its tokens and records each request's form and Basic credentials. */
function tokenEndpoint(expiresIn = 300) {
  const seen: { body: Record<string, unknown>; basic: ReturnType<typeof parseBasicAuth> }[] = [];
  const handler = (ctx: TokenContext): TokenReply => {
    seen.push({
      body: ctx.body as Record<string, unknown>,
      basic: parseBasicAuth(ctx.request.headers.authorization),
    });
    return { status: 200, body: { access_token: `tok-${seen.length}`, expires_in: expiresIn } };
  };
  return { seen, handler };
}

describe("password grant", () => {
  it("sends the documented form with HTTP Basic for a confidential client", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    const answer = await requestPasswordToken(sts, {
      client: { clientId: "wpf.hybrid", clientSecret: SECRET },
      username: "login",
      password: PASSWORD,
      resource: "https://dss.example/SignServer/rest",
    });
    expect(answer).toEqual({ access_token: "tok-1", expires_in: 300 });
    expect(endpoint.seen[0]!.basic).toEqual({ username: "wpf.hybrid", password: SECRET });
    expect(endpoint.seen[0]!.body).toEqual({
      grant_type: "password",
      username: "login",
      password: PASSWORD,
      scope: "dss",
      resource: "https://dss.example/SignServer/rest",
    });
  });

  it("names a public client in client_id, or in a Basic header with an empty secret", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    await requestPasswordToken(sts, {
      client: { clientId: "dss.sample" },
      username: "u",
      password: "",
    });
    await requestPasswordToken(sts, {
      client: { clientId: "dss.sample", publicClientAuth: "basic" },
      username: "u",
      password: async () => "from-vault",
    });
    expect(endpoint.seen[0]!.basic).toBeUndefined();
    expect(endpoint.seen[0]!.body.client_id).toBe("dss.sample");
    expect(endpoint.seen[0]!.body.password).toBe("");
    expect(endpoint.seen[1]!.basic).toEqual({ username: "dss.sample", password: "" });
    expect(endpoint.seen[1]!.body.client_id).toBeUndefined();
    expect(endpoint.seen[1]!.body.password).toBe("from-vault");
  });

  it("ignores the STS client's own auth at the token endpoint", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    const withBearer = { ...sts, options: { ...sts.options, auth: bearerAuth("user-token") } };
    await requestPasswordToken(withBearer, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
    });
    expect(endpoint.seen[0]!.basic).toBeUndefined();
  });
});

describe("token provider caching", () => {
  it("reuses the token until shortly before expires_in runs out", async () => {
    const endpoint = tokenEndpoint(300);
    const sts = await startSts({ token: endpoint.handler });
    const clock = manualClock();
    const provider = passwordTokenProvider(sts, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
      now: clock.now,
    });
    expect(await provider.getToken()).toBe("tok-1");
    clock.advance(269_000); // 300 s lifetime, 30 s margin: still good
    expect(await provider.getToken()).toBe("tok-1");
    clock.advance(1_000);
    expect(await provider.getToken()).toBe("tok-2");
    expect(endpoint.seen).toHaveLength(2);
  });

  it("keeps at least half the lifetime of a short-lived token", () => {
    expect(toIssuedToken({ access_token: "t", expires_in: 20 })).toEqual({
      token: "t",
      expiresIn: 10,
    });
    expect(toIssuedToken({ access_token: "t", expires_in: 300 })).toEqual({
      token: "t",
      expiresIn: 270,
    });
    expect(toIssuedToken({ access_token: "t", expires_in: 300 }, 60_000).expiresIn).toBe(240);
  });

  it("makes exactly one token request for 50 concurrent callers racing at expiry", async () => {
    let requests = 0;
    let release: (() => void) | undefined;
    const sts = await startSts({
      token: async () => {
        requests++;
        // From the second request on, hold the answer until every caller has asked.
        if (requests > 1) await new Promise<void>((resolve) => (release = resolve));
        return { status: 200, body: { access_token: `tok-${requests}`, expires_in: 300 } };
      },
    });
    const clock = manualClock();
    const provider = passwordTokenProvider(sts, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
      now: clock.now,
    });
    expect(await provider.getToken()).toBe("tok-1");
    clock.advance(300_000); // expired
    const racing = Array.from({ length: 50 }, () => provider.getToken());
    while (release === undefined) await tick(5);
    release();
    const tokens = await Promise.all(racing);
    expect(new Set(tokens)).toEqual(new Set(["tok-2"]));
    expect(requests).toBe(2);
  });

  it("shares one provider per client, resource, scope and user, and asks anew when they differ", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    const cache = new TokenCache();
    const base = {
      client: { clientId: "c" },
      username: "u",
      password: "p",
      resource: "https://r/rest",
    };
    const a = cache.password(sts, { ...base, scope: "dss openid" });
    const b = cache.password(sts, { ...base, scope: "openid  dss" });
    expect(b).toBe(a);
    await Promise.all([a.getToken(), b.getToken()]);
    expect(endpoint.seen).toHaveLength(1);

    const otherScope = cache.password(sts, { ...base, scope: "dss" });
    const otherResource = cache.password(sts, {
      ...base,
      scope: "dss openid",
      resource: "https://s/rest",
    });
    const otherClient = cache.password(sts, {
      ...base,
      scope: "dss openid",
      client: { clientId: "d" },
    });
    const otherUser = cache.password(sts, { ...base, scope: "dss openid", username: "v" });
    for (const p of [otherScope, otherResource, otherClient, otherUser]) {
      expect(p).not.toBe(a);
      await p.getToken();
    }
    expect(endpoint.seen).toHaveLength(5);
    expect(endpoint.seen[1]!.body.scope).toBe("dss");
    expect(cache.size).toBe(5);
    expect(
      cache.delete({
        grant: "password",
        issuer: sts.options.baseUrl!,
        clientId: "c",
        resource: "https://r/rest",
        scope: "dss",
        user: "u",
      }),
    ).toBe(true);
    expect(cache.size).toBe(4);
  });

  it("keeps secrets out of cache keys", () => {
    const key = tokenCacheKey({
      grant: "password",
      issuer: "https://i/STS/",
      clientId: "c",
      scope: "b a",
      user: "u",
    });
    expect(key).toBe(JSON.stringify(["password", "https://i/STS", "c", "", "a b", "u"]));
  });
});

describe("401 handling with a provider", () => {
  it("refreshes once and retries once, then fails: exactly two attempts", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    const presented: (string | undefined)[] = [];
    const provider = passwordTokenProvider(sts, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
    });
    const sign = await startSign(
      {
        getPolicy: (ctx) => {
          presented.push(ctx.request.headers.authorization);
          return {
            status: 401,
            body: { Message: "Authorization has been denied for this request." },
          };
        },
      },
      { auth: bearerAuth(provider) },
    );
    const failure = await getPolicy(sign).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(401);
    expect(presented).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(endpoint.seen).toHaveLength(2);
  });

  it("succeeds with the fresh token when the first was revoked", async () => {
    const endpoint = tokenEndpoint();
    const sts = await startSts({ token: endpoint.handler });
    const provider = passwordTokenProvider(sts, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
    });
    let calls = 0;
    const sign = await startSign(
      {
        getPolicy: (ctx) => {
          calls++;
          if (ctx.request.headers.authorization === "Bearer tok-1") {
            return { status: 401, body: { Message: "revoked" } };
          }
          return {
            status: 200,
            body: {
              CAPolicy: [],
              PinCodeMode: 2,
              TspServices: [],
              TransactionConfirmation: 2,
              AllowedSignatureTypes: [],
              ActionPolicy: null,
            },
          };
        },
      },
      { auth: bearerAuth(provider) },
    );
    const result = await getPolicy(sign);
    expect(result.status).toBe(200);
    expect(calls).toBe(2);
    // The fresh token is cached: the next call makes no token request.
    await getPolicy(sign);
    expect(endpoint.seen).toHaveLength(2);
  });
});

describe("OAuth errors", () => {
  it("surfaces {error, error_description} as a typed OAuthRequestError without the secrets", async () => {
    const sts = await startSts({
      token: (ctx) => {
        const body = ctx.body as { password?: string };
        return {
          status: 400,
          body: {
            error: "invalid_grant",
            error_description: `The password ${body.password} is wrong; client secret ${SECRET}; password=${body.password}`,
          },
        };
      },
    });
    const error = await requestPasswordToken(sts, {
      client: { clientId: "wpf.hybrid", clientSecret: SECRET },
      username: "login",
      password: PASSWORD,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthRequestError);
    const oauth = error as OAuthRequestError;
    expect(oauth.error).toBe("invalid_grant");
    expect(oauth.status).toBe(400);
    expect(oauth.code).toBe("oauth_error");
    expect(oauth.message).toContain("invalid_grant");
    for (const text of [
      oauth.message,
      JSON.stringify(oauth),
      inspect(oauth, { depth: 5 }),
      String(oauth.stack),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(SECRET);
    }
    expect(oauth.errorDescription).toContain("[redacted]");
  });

  it("keeps a non-OAuth error answer an ApiError, minus echoed secrets", async () => {
    const sts = await startSts({
      token: (ctx) => ({
        status: 401,
        // A proxy's error page, not the OAuth shape, echoing the form.
        body: { Message: `bad ${(ctx.body as { password: string }).password}` } as never,
      }),
    });
    const error = await requestPasswordToken(sts, {
      client: { clientId: "c" },
      username: "u",
      password: PASSWORD,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(OAuthRequestError);
    expect(JSON.stringify((error as ApiError).body)).not.toContain(PASSWORD);
    expect((error as ApiError).message).not.toContain(PASSWORD);
  });

  it("does not cache a failure: the next call asks again", async () => {
    let calls = 0;
    const sts = await startSts({
      token: () => {
        calls++;
        return calls === 1
          ? { status: 400, body: { error: "invalid_client" } }
          : { status: 200, body: { access_token: "ok", expires_in: 300 } };
      },
    });
    const provider = passwordTokenProvider(sts, {
      client: { clientId: "c" },
      username: "u",
      password: "p",
    });
    await expect(provider.getToken()).rejects.toMatchObject({ error: "invalid_client" });
    await expect(provider.getToken()).resolves.toBe("ok");
  });
});
