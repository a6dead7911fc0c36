/**
 * The licence client in a real browser: headless Chromium (Debian's chromium package, which
 * `scripts/setup-chromium.sh` installs; driven by playwright-core, which downloads no browser)
 * runs `test/browser/licence-page.ts` bundled by esbuild for the browser, against the emulator
 * over HTTP. The page checks every answer's signature itself, on Web Crypto, and refuses an answer
 * whose body was changed on the way and answers signed with a key other than the one it trusts.
 *
 * The page and the emulator share one origin (a small forwarding server of the test), as a web
 * application behind its own reverse proxy would; the emulator needs no CORS. Where Chromium
 * cannot be installed (no root) the test is skipped with a message saying so; under CI=true it
 * fails instead.
 */
import { join } from "node:path";
import { callInPage, type ServedPage, servePageForBrowser } from "@trustspec-private/test-support";
import { chromiumForTests } from "@trustspec-private/test-support/chromium";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LicenceEmulator } from "../src/server.js";
import { makeKeys } from "./support.js";

const browserSetup = chromiumForTests("licence browser");

describe.skipIf(browserSetup.problem !== undefined)(
  "the licence client in headless Chromium",
  () => {
    const keys = makeKeys();
    const emulator = new LicenceEmulator({ demo: true, signingKey: keys.privateKey });
    let stopEmulator: () => Promise<void>;
    let page: ServedPage;
    let browser: Browser;

    beforeAll(async () => {
      const served = await emulator.listen();
      stopEmulator = served.close;
      page = await servePageForBrowser(join(import.meta.dirname, "browser", "licence-page.ts"), {
        "/licence": { target: served.url },
        "/tampered": {
          target: served.url,
          transformBody: (body) => {
            const changed = Uint8Array.from(body);
            // A digit of the licence number, so the body is still the JSON the contract expects.
            const at = new TextDecoder().decode(body).indexOf("7131766");
            if (at >= 0) changed[at] = 0x38;
            return changed;
          },
        },
      });
      browser = await chromium.launch(browserSetup.launchOptions);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await page?.close();
      await stopEmulator?.();
    });

    it("checks the signatures in the page: genuine answers pass, a tampered one and a foreign key's are refused", {
      timeout: 60_000,
    }, async () => {
      const { result, errors } = (await callInPage(
        browser,
        page.url,
        "licenceInPage",
        keys.publicPem,
      )) as { result: Record<string, unknown>; errors: string[] };
      expect(errors).toEqual([]);
      expect(result.environment).toEqual({
        subtle: "function",
        process: "undefined",
        buffer: "undefined",
      });
      expect(result.serverInfo).toMatchObject({ ok: true, data: { Version: "3.0.34.11319" } });
      expect(result.licence).toMatchObject({ ok: true, data: { KeyNo: 7131766 } });
      expect(result.vendorKey).toMatchObject({
        ok: false,
        name: "LicenceSignatureError",
        code: "licence_signature",
        reason: "invalid-signature",
      });
      expect(result.tampered).toMatchObject({
        ok: false,
        name: "LicenceSignatureError",
        reason: "invalid-signature",
      });
    });
  },
);
