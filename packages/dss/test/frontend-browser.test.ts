/**
 * The DSS web front-end of the emulator in a real browser: headless Chromium (Debian's chromium
 * package, which `scripts/setup-chromium.sh` installs; driven by playwright-core, which downloads
 * no browser). A page of a web application posts a document to `/frontend/uploadfile` as the
 * guide's form does («КриптоПро DSS. Руководство разработчика», ЖТЯИ.00096-02 97 01, §1.1); the
 * browser signs in, picks the certificate, enters the one-time password, and the application's
 * `backpost` receives the signed file, whose CMS is verified. A screenshot of each step is written
 * to a temporary directory (named in the test's output).
 *
 * Where Chromium cannot be installed (no root) the test is skipped with a message saying so;
 * under CI=true it fails instead.
 */
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromiumForTests } from "@trustspec-private/test-support/chromium";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { DEFAULT_OTP } from "../src/emulator/index.js";
import { type Running, start } from "./emulator-support.js";
import { b64 } from "./frontend-support.js";

const browserSetup = chromiumForTests("frontend-browser");

const DOC = new TextEncoder().encode("Акт сверки за ноябрь\n");
const INFO = "Акт сверки № 11\nКонтрагент: ООО «Ромашка»";

describe.skipIf(browserSetup.problem !== undefined)(
  "the DSS front-end in headless Chromium",
  () => {
    let dss: Running;
    let browser: Browser;
    let app: { url: string; close(): Promise<void> };
    const received: { path: string; fields: URLSearchParams }[] = [];
    const shots = mkdtempSync(join(tmpdir(), "trustspec-frontend-browser-"));

    beforeAll(async () => {
      dss = await start({ confirmation: "On" });
      // The web application: a page with the guide's form, and its backpost address.
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          res.setHeader("content-type", "text/html; charset=utf-8");
          if (req.method === "POST" && req.url?.startsWith("/backpost/")) {
            const fields = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
            received.push({ path: req.url, fields });
            const name = (fields.get("filename") ?? "").replace(/[<&>"]/g, "");
            res.end(`<!DOCTYPE html><title>Результат</title><h1>Получен файл ${name}</h1>`);
            return;
          }
          const self = `http://127.0.0.1:${port()}`;
          res.end(`<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8" /><title>Приложение</title></head>
<body>
<form action="${dss.url}/frontend/uploadfile" method="post">
  <input type="hidden" name="filecontent" value="${b64(DOC)}" />
  <input type="hidden" name="filename" value="akt.txt" />
  <input type="hidden" name="backpost" value="${self}/backpost/session-7f3a" />
  <input type="hidden" name="documentInfo" value="${b64(INFO)}" />
  <input type="submit" value="Подписать файл" />
</form>
</body></html>`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = () => {
        const a = server.address();
        return typeof a === "object" && a ? a.port : 0;
      };
      app = {
        url: `http://127.0.0.1:${port()}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
      browser = await chromium.launch(browserSetup.launchOptions);
      console.info(`frontend-browser: screenshots in ${shots}`);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await dss?.close();
    });

    it("signs a posted document: sign-in, certificate, one-time password, signed file at backpost", async () => {
      const page = await browser.newPage();
      const shot = (name: string) =>
        page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

      await page.goto(app.url);
      await shot("1-application");
      await page.getByRole("button", { name: "Подписать файл" }).click();

      await page.waitForURL(/\/frontend\/job\/[0-9a-f]{32}$/);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "Вход в КриптоПро DSS",
      );
      await page.getByLabel("Имя пользователя").fill("demo");
      await page.getByLabel("Пароль").fill("demo");
      await shot("2-sign-in");
      await page.getByRole("button", { name: "Войти" }).click();

      await expect(page.locator("#document-info").textContent()).resolves.toBe(INFO);
      const certificate = dss.dss.state.certificatesOf("demo")[0]!;
      await page.getByLabel("Сертификат").selectOption(String(certificate.id));
      await page.getByLabel("Тип подписи").selectOption("CAdES");
      await shot("3-certificate-and-type");
      await page.getByRole("button", { name: "Подписать" }).click();

      await expect(page.locator("#challenge").textContent()).resolves.toContain(INFO);
      await page.getByLabel("Одноразовый пароль").fill(DEFAULT_OTP);
      await shot("4-one-time-password");
      await page.getByRole("button", { name: "Подтвердить" }).click();

      // The front-end's page posts the result to backpost by itself.
      await page.waitForURL(`${app.url}/backpost/session-7f3a`);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
        "Получен файл akt.txt",
      );
      await shot("5-backpost");
      await page.close();

      expect(received).toHaveLength(1);
      const { fields } = received[0]!;
      expect([...fields.keys()].sort()).toEqual(["filecontent", "filename"]);
      const result = await verifyCms(
        new Uint8Array(Buffer.from(fields.get("filecontent")!, "base64")),
        {
          content: DOC,
          trusted: [dss.dss.caCertificate],
        },
      );
      expect(result.valid, result.reason).toBe(true);
      expect(Buffer.from(result.signerCertificate!).equals(Buffer.from(certificate.der))).toBe(
        true,
      );
    }, 60_000);
  },
);
