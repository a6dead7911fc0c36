import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { ValidationError } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import { createDssStsClient } from "../src/generated/sts/client.gen.js";
import {
  AuthorizationResponseError,
  authorizationCodeTokenProvider,
  buildAuthorizeUrl,
  OAuthRequestError,
  parseAuthorizationRedirect,
  parseFormPostPage,
  parseImplicitFormPost,
  parseImplicitRedirect,
  requestAuthorizationCodeToken,
} from "../src/oauth/index.js";
import { startSts } from "./flows-support.js";

const sts = createDssStsClient({ baseUrl: "https://dss.example/STS" });
const examplePage = readFileSync(
  new URL("../../../specs/dss-sts/examples/004-authorize-200.raw.txt", import.meta.url),
  "utf8",
);

describe("authorization URL", () => {
  it("carries dss_transaction_token_id and the documented parameters (guide, lines 10965-10976)", () => {
    const built = buildAuthorizeUrl(sts, {
      client: { clientId: "dss.sample" },
      redirectUri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: "http://sga10.cp.ru/DssSignServer/rest",
      transactionId: "b08d8043-a029-461e-b063-ca9d0d9ca396",
      state: false,
    });
    expect(built.url.origin + built.url.pathname).toBe("https://dss.example/STS/oauth/authorize");
    expect(Object.fromEntries(built.url.searchParams)).toEqual({
      client_id: "dss.sample",
      response_type: "code",
      scope: "dss",
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: "http://sga10.cp.ru/DssSignServer/rest",
      dss_transaction_token_id: "b08d8043-a029-461e-b063-ca9d0d9ca396",
    });
    expect(built.state).toBeUndefined();
  });

  it("adds a random state by default, PKCE S256 and dss_scope_params on request", () => {
    const a = buildAuthorizeUrl(sts, {
      client: { clientId: "c" },
      redirectUri: "https://app.example/cb",
      pkce: true,
      scope: "openid dss test-confirmation-scope",
      scopeParams: { CpTime: "17.01.2018 14:49:55" },
    });
    const b = buildAuthorizeUrl(sts, {
      client: { clientId: "c" },
      redirectUri: "https://app.example/cb",
    });
    expect(a.state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.state).not.toBe(b.state);
    expect(a.url.searchParams.get("state")).toBe(a.state);
    expect(a.url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(a.url.searchParams.get("code_challenge")).toBe(
      createHash("sha256").update(a.codeVerifier!).digest("base64url"),
    );
    // The guide's own encoding of these parameters (line 11805).
    expect(a.url.searchParams.get("dss_scope_params")).toBe(
      "eyJDcFRpbWUiOiIxNy4wMS4yMDE4IDE0OjQ5OjU1In0",
    );
    expect(b.codeVerifier).toBeUndefined();
  });

  it("is checked against the contract", () => {
    expect(() =>
      buildAuthorizeUrl(sts, {
        client: { clientId: "c" },
        redirectUri: "https://a/cb",
        responseType: "id_token" as "code",
      }),
    ).toThrow(ValidationError);
  });
});

describe("authorization redirect", () => {
  it("reads the code from the fragment (guide, line 10560) and from the query (line 10986)", () => {
    expect(
      parseAuthorizationRedirect(
        "urn:ietf:wg:oauth:2.0:oob:auto#code=c86322fd3a4cf85fb51249ab3fb4fcd1",
      ),
    ).toEqual({ code: "c86322fd3a4cf85fb51249ab3fb4fcd1" });
    expect(
      parseAuthorizationRedirect(
        "urn:ietf:wg:oauth:2.0:oob:auto?code=bea6a6f9e06768ef881c085cea0a5239&state=3bfad8",
      ),
    ).toEqual({ code: "bea6a6f9e06768ef881c085cea0a5239", state: "3bfad8" });
    expect(
      parseAuthorizationRedirect(new URL("https://app.example/cb?x=1#state=s&code=a%2Bb"), {
        expectedState: "s",
      }),
    ).toEqual({
      code: "a+b",
      state: "s",
    });
  });

  it("refuses a missing code, another request's state, and reports an error redirect", () => {
    const missing = (() => {
      try {
        parseAuthorizationRedirect("https://app.example/cb?state=s");
      } catch (e) {
        return e;
      }
    })();
    expect(missing).toBeInstanceOf(AuthorizationResponseError);
    expect((missing as AuthorizationResponseError).problem).toBe("missing_code");

    const code = "secret-code-8d7a";
    const mismatch = (() => {
      try {
        parseAuthorizationRedirect(`https://app.example/cb?code=${code}&state=other`, {
          expectedState: "mine",
        });
      } catch (e) {
        return e;
      }
    })();
    expect((mismatch as AuthorizationResponseError).problem).toBe("state_mismatch");
    expect(inspect(mismatch)).not.toContain(code);

    expect(() =>
      parseAuthorizationRedirect(
        "https://app.example/cb#error=access_denied&error_description=User+said+no",
      ),
    ).toThrow(
      expect.objectContaining({
        error: "access_denied",
        errorDescription: "User said no",
      }) as Error,
    );
  });
});

describe("authorization code grant", () => {
  it("runs the browser step through the callback and exchanges the code, with PKCE", async () => {
    const forms: Record<string, unknown>[] = [];
    const server = await startSts({
      token: (ctx) => {
        forms.push(ctx.body as Record<string, unknown>);
        return {
          status: 200,
          body: { access_token: `code-token-${forms.length}`, expires_in: 300 },
        };
      },
    });
    const prompts: URL[] = [];
    const provider = authorizationCodeTokenProvider(server, {
      client: { clientId: "wpf.hybrid", clientSecret: "s3cr3t" },
      redirectUri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: "https://dss.example/SignServer/rest",
      pkce: true,
      authorize: async ({ url, state }) => {
        prompts.push(url);
        return `urn:ietf:wg:oauth:2.0:oob:auto#code=code-${prompts.length}&state=${state}`;
      },
    });
    expect(await provider.getToken()).toBe("code-token-1");
    expect(await provider.getToken()).toBe("code-token-1");
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.searchParams.get("resource")).toBe("https://dss.example/SignServer/rest");
    expect(forms[0]).toMatchObject({
      grant_type: "authorization_code",
      code: "code-1",
      redirect_uri: "urn:ietf:wg:oauth:2.0:oob:auto",
      resource: "https://dss.example/SignServer/rest",
    });
    const verifier = forms[0]!.code_verifier as string;
    expect(createHash("sha256").update(verifier).digest("base64url")).toBe(
      prompts[0]!.searchParams.get("code_challenge"),
    );
  });

  it("refuses a redirect with another state before spending the code", async () => {
    let exchanges = 0;
    const server = await startSts({
      token: () => {
        exchanges++;
        return { status: 200, body: { access_token: "t", expires_in: 300 } };
      },
    });
    const provider = authorizationCodeTokenProvider(server, {
      client: { clientId: "c" },
      redirectUri: "https://app.example/cb",
      authorize: async () => "https://app.example/cb?code=x&state=forged",
    });
    await expect(provider.getToken()).rejects.toBeInstanceOf(AuthorizationResponseError);
    expect(exchanges).toBe(0);
  });

  it("reports a spent code as invalid_grant without the code in the error", async () => {
    const code = "c86322fd3a4cf85fb51249ab3fb4fcd1";
    const server = await startSts({
      token: (ctx) => ({
        status: 400,
        body: {
          error: "invalid_grant",
          error_description: `code ${(ctx.body as { code: string }).code} already used`,
        },
      }),
    });
    const error = await requestAuthorizationCodeToken(server, {
      client: { clientId: "c", clientSecret: "very-secret-1" },
      code,
      redirectUri: "https://app.example/cb",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthRequestError);
    for (const text of [(error as Error).message, JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain("very-secret-1");
    }
  });
});

describe("implicit grant form-post page", () => {
  it("reads the guide's example page into a token answer", () => {
    expect(parseImplicitFormPost(examplePage)).toEqual({
      access_token: "eyJ0…",
      token_type: "Bearer",
      expires_in: 3600,
      scope: "offline_access dss",
    });
    expect(parseFormPostPage(examplePage).action).toBe("http://localhost/wpf.hybrid");
  });

  it("copes with attribute order, quoting, case, entities, comments and scripts", () => {
    const page = `<html><body>
      <!-- <input type="hidden" name="access_token" value="commented-out"> -->
      <script>document.write('<input type="hidden" name="access_token" value="from-script">')</script>
      <FORM METHOD=post ACTION='https://app.example/cb?a=1&amp;b=2'>
        <INPUT value='tok&#x2B;en&amp;1' NAME=access_token TYPE=HIDDEN>
        <input name="expires_in" type="hidden" value=" 300 "/>
        <input type="hidden" name="token_type" value="Bearer">
        <input type="text" name="scope" value="not hidden">
        <input type="hidden" name="state" value="s&quot;1">
      </FORM></body></html>`;
    expect(parseImplicitFormPost(page)).toEqual({
      access_token: "tok+en&1",
      expires_in: 300,
      token_type: "Bearer",
    });
    expect(parseFormPostPage(page)).toEqual({
      action: "https://app.example/cb?a=1&b=2",
      fields: { access_token: "tok+en&1", expires_in: " 300 ", token_type: "Bearer", state: 's"1' },
    });
  });

  it("refuses pages without the fields, with a typed error", () => {
    const problem = (html: string) => {
      try {
        parseImplicitFormPost(html);
        return "parsed";
      } catch (e) {
        return e instanceof AuthorizationResponseError ? e.problem : String(e);
      }
    };
    expect(
      problem("<html><body><h1>Login</h1><form><input name=username></form></body></html>"),
    ).toBe("not_a_form_post");
    expect(problem('<form><input type="hidden" name="expires_in" value="3600"></form>')).toBe(
      "missing_access_token",
    );
    expect(problem('<form><input type="hidden" name="access_token" value="t"></form>')).toBe(
      "invalid_expires_in",
    );
    expect(
      problem(
        '<form><input type="hidden" name="access_token" value="t"><input type="hidden" name="expires_in" value="soon"></form>',
      ),
    ).toBe("invalid_expires_in");
    expect(examplePage.replace(/name="access_token"[^>]*>/, ">")).not.toContain('"access_token"');
    expect(problem(examplePage.replace(/name="access_token"[^>]*>/, ">"))).toBe(
      "missing_access_token",
    );
  });

  it("reports an error posted instead of a token as an OAuthRequestError", () => {
    expect(() =>
      parseImplicitFormPost(
        '<form><input type="hidden" name="error" value="access_denied"></form>',
      ),
    ).toThrow(OAuthRequestError);
  });

  it("reads a token delivered in the redirect fragment", () => {
    expect(
      parseImplicitRedirect(
        "https://app.example/cb#access_token=abc&token_type=Bearer&expires_in=3600&scope=dss",
      ),
    ).toEqual({ access_token: "abc", token_type: "Bearer", expires_in: 3600, scope: "dss" });
  });
});
