/**
 * The page's script of the DSS browser test: a web application's use of `@trustspec/dss`, bundled
 * by esbuild for the browser, calling the emulator through the page's own origin — a token from
 * the identity centre's password grant, a CMS signature from the Signature Service REST API, and
 * an authorization URL with PKCE (random values and the S256 challenge made in the page).
 */
import {
  bearerAuth,
  buildAuthorizeUrl,
  createDssSignClient,
  createDssStsClient,
  OAuthRequestError,
  passwordTokenProvider,
  signDocument,
} from "@trustspec/dss";

async function run(document: string) {
  const origin = `${location.origin}/dss`;
  const sts = createDssStsClient({ baseUrl: `${origin}/STS` });
  const signClient = (password: string) =>
    createDssSignClient({
      baseUrl: `${origin}/SignServer/rest/api`,
      auth: bearerAuth(
        passwordTokenProvider(sts, {
          client: { clientId: "dss.sample" },
          username: "demo",
          password,
        }),
      ),
    });
  const content = btoa(String.fromCharCode(...new TextEncoder().encode(document)));
  const signed = await signDocument(signClient("demo"), {
    body: { Content: content, Signature: { Type: "CMS" } },
  });
  let refused: { name: string; error?: string } = { name: "nothing thrown" };
  try {
    await signDocument(signClient("not the password"), {
      body: { Content: content, Signature: { Type: "CMS" } },
    });
  } catch (e) {
    refused = {
      name: (e as Error).name,
      ...(e instanceof OAuthRequestError ? { error: e.error } : {}),
    };
  }
  const authorize = buildAuthorizeUrl(sts, {
    client: { clientId: "dss.sample" },
    redirectUri: "https://app.example/back",
    pkce: true,
  });
  return {
    cms: signed.data as string,
    refused,
    authorize: {
      url: authorize.url.href,
      codeVerifier: authorize.codeVerifier,
      state: authorize.state,
    },
  };
}

(globalThis as { dssInPage?: typeof run }).dssInPage = run;
