/**
 * The DSS client in a real browser: headless Chromium (Debian's chromium package, which
 * `scripts/setup-chromium.sh` installs; driven by playwright-core) runs `test/browser/dss-page.ts`
 * bundled by esbuild for the browser, against the emulator: a token from the identity centre's
 * password grant, a CMS signature from the Signature Service REST API (verified here, in Node,
 * against the emulator's CA), a wrong password refused as `invalid_grant`, and an authorization
 * URL whose PKCE challenge, made in the page, is the S256 of its verifier.
 *
 * The page and the emulator share one origin (a forwarding server of the test), as a web
 * application behind its own reverse proxy would; the emulator needs no CORS. Without Chromium
 * the test is skipped with a message; under CI=true it fails instead.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { callInPage, type ServedPage, servePageForBrowser } from "@trustspec-private/test-support";
import { chromiumForTests } from "@trustspec-private/test-support/chromium";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { type Running, start } from "./emulator-support.js";

const browserSetup = chromiumForTests("dss client browser");
const DOCUMENT = "Акт сверки за ноябрь";

describe.skipIf(browserSetup.problem !== undefined)("the DSS client in headless Chromium", () => {
  let dss: Running;
  let page: ServedPage;
  let browser: Browser;

  beforeAll(async () => {
    dss = await start({ confirmation: "Off" });
    page = await servePageForBrowser(join(import.meta.dirname, "browser", "dss-page.ts"), {
      "/dss": { target: dss.url },
    });
    browser = await chromium.launch(browserSetup.launchOptions);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await dss?.close();
  });

  it("signs through the REST API with a password-grant token, refuses a wrong password, builds PKCE in the page", {
    timeout: 60_000,
  }, async () => {
    const { result, errors } = (await callInPage(browser, page.url, "dssInPage", DOCUMENT)) as {
      result: {
        cms: string;
        refused: { name: string; error?: string };
        authorize: { url: string; codeVerifier: string; state: string };
      };
      errors: string[];
    };
    expect(errors).toEqual([]);
    const verified = await verifyCms(new Uint8Array(Buffer.from(result.cms, "base64")), {
      content: new TextEncoder().encode(DOCUMENT),
      trusted: [dss.dss.caCertificate],
    });
    expect(verified.valid).toBe(true);
    expect(result.refused).toEqual({ name: "OAuthRequestError", error: "invalid_grant" });
    const query = new URL(result.authorize.url).searchParams;
    expect(result.authorize.codeVerifier).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(query.get("code_challenge")).toBe(
      createHash("sha256").update(result.authorize.codeVerifier).digest("base64url"),
    );
    expect(query.get("code_challenge_method")).toBe("S256");
    expect(query.get("state")).toBe(result.authorize.state);
  });
});
