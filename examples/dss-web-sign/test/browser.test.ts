/**
 * The example application and the DSS emulator's web front-end in headless Chromium (Debian's
 * chromium, driven by playwright-core): the user uploads a file to the application, which sends
 * the DSS form; Chromium signs in to DSS, picks the certificate, enters the one-time password, and
 * the application receives the result at its backpost, verifies it and shows it. The same for a
 * package of documents, a certificate request and the installation of its certificate, and
 * encryption then decryption. A screenshot of each step goes to a temporary directory, named in
 * the test's output. Without Chromium the test is skipped with a message (under CI=true it fails).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listCmsRecipients, toPem, verifyCms } from "@trustspec/dss/cms";
import { DssEmulator } from "@trustspec/dss/server";
import { chromiumForTests } from "@trustspec-private/test-support/chromium";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.mjs";

const browserSetup = chromiumForTests("dss-web-sign browser test");
const OTP = "424242";
const INFO = "Акт сверки № 11\nКонтрагент: ООО «Ромашка»";
const utf8 = (text: string) => Buffer.from(text, "utf8");

describe.skipIf(browserSetup.problem !== undefined)("dss-web-sign in headless Chromium", () => {
  let dss: DssEmulator;
  let dssServer: { url: string; close(): Promise<void> };
  let app: Server;
  let appUrl: string;
  let browser: Browser;
  const shots = mkdtempSync(join(tmpdir(), "dss-web-sign-screenshots-"));

  beforeAll(async () => {
    dss = await DssEmulator.create({
      users: [{ login: "anna", password: "pa55-word" }],
      otp: OTP,
      keyAlgorithm: "ECDSA",
      confirmActions: ["SignDocument", "SignDocuments", "CreateRequest", "DecryptDocument"],
    });
    dssServer = await dss.listen();
    app = createServer();
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    app.on(
      "request",
      createApp({
        frontendUrl: `${dssServer.url}/frontend`,
        publicUrl: appUrl,
        secret: "browser-test-secret-of-at-least-32-bytes",
        trusted: [dss.caCertificate],
      }).listener,
    );
    browser = await chromium.launch(browserSetup.launchOptions);
    console.info(`dss-web-sign browser test: screenshots in ${shots}`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.close(resolve));
    await dssServer?.close();
    await dss?.close();
  });

  /** A new browser (its own cookies) on the application's page, and its screenshot function. */
  async function open(flow: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let step = 0;
    const shot = (name: string) =>
      page.screenshot({ path: join(shots, `${flow}-${++step}-${name}.png`), fullPage: true });
    await page.goto(appUrl);
    return { page, shot, close: () => context.close() };
  }

  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

  /** DSS's sign-in page, reached through the application's form. */
  async function signIn(page: Page, shot: (name: string) => Promise<unknown>) {
    await page.waitForURL(/\/frontend\/job\/[0-9a-f]{32}$/);
    await expect(heading(page)).resolves.toBe("Вход в КриптоПро DSS");
    await page.getByLabel("Имя пользователя").fill("anna");
    await page.getByLabel("Пароль").fill("pa55-word");
    await shot("dss-sign-in");
    await page.getByRole("button", { name: "Войти" }).click();
  }

  async function confirm(page: Page, shot: (name: string) => Promise<unknown>) {
    await expect(heading(page)).resolves.toBe("Подтверждение операции");
    await page.getByLabel("Одноразовый пароль").fill(OTP);
    await shot("dss-one-time-password");
    await page.getByRole("button", { name: "Подтвердить" }).click();
  }

  /** A file the application offers for download, fetched with the browser's cookies. */
  async function download(page: Page, href: string | null) {
    const res = await page.request.get(new URL(href ?? "", appUrl).href);
    expect(res.status()).toBe(200);
    return new Uint8Array(await res.body());
  }

  const annasCertificate = () => dss.state.certificatesOf("anna")[0]!;

  it("signs one file: upload, sign-in, certificate, one-time password, verified at backpost", async () => {
    const { page, shot, close } = await open("sign");
    const content = utf8("Акт сверки за ноябрь\n");
    await page.getByLabel("Файл для подписи").setInputFiles({
      name: "akt.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(content),
    });
    await page.getByLabel(/Информация о документе/).fill(INFO);
    await page.getByLabel("Тип подписи").selectOption("cades-detached");
    await shot("application");
    await page.getByRole("button", { name: "Подписать в DSS" }).click();
    await signIn(page, shot);

    await expect(page.locator("#document-info").textContent()).resolves.toBe(INFO);
    await expect(page.locator("#signature-type").textContent()).resolves.toBe(
      "CAdES:CAdESType=BES;IsDetached=true",
    );
    await page.getByLabel("Сертификат").selectOption(String(annasCertificate().id));
    await shot("dss-certificate");
    await page.getByRole("button", { name: "Подписать", exact: true }).click();
    await expect(page.locator("#challenge").textContent()).resolves.toContain(INFO);
    await confirm(page, shot);

    await page.waitForURL(`${appUrl}/dss/back?**`);
    await expect(heading(page)).resolves.toBe("Документ подписан");
    const outcome = await page.locator("#outcome").textContent();
    expect(outcome).toContain("подпись проверена, подписал");
    expect(outcome).toContain("CN=anna");
    expect(outcome).toContain("сертификат выдан доверенным УЦ");
    await shot("application-result");

    // The signature the application kept: detached CAdES over the uploaded bytes, by anna's key.
    const signature = await download(page, await page.locator("#download").getAttribute("href"));
    const checked = await verifyCms(signature, { content, trusted: [dss.caCertificate] });
    expect(checked.valid, checked.reason).toBe(true);
    expect(
      Buffer.from(checked.signerCertificate!).equals(Buffer.from(annasCertificate().der)),
    ).toBe(true);
    // Detached: without the document it does not verify.
    expect((await verifyCms(signature, {})).reason).toMatch(/detached/);
    await close();
  });

  it("signs several documents, the signature type chosen in DSS; each verified", async () => {
    const { page, shot, close } = await open("package");
    const documents = ["Счёт № 1", "Счёт № 2", "Накладная № 3"].map((t, i) => ({
      name: `doc-${i + 1}.txt`,
      mimeType: "text/plain",
      buffer: utf8(`${t}\n`),
    }));
    await page.getByLabel("Документы для подписи").setInputFiles(documents);
    await page.getByLabel("Информация о пакете").fill("Три документа за декабрь");
    await shot("application");
    await page.getByRole("button", { name: "Подписать пакет в DSS" }).click();
    await signIn(page, shot);

    const listed = await page.locator("ol").textContent();
    for (const d of documents) expect(listed).toContain(d.name);
    await page.getByLabel("Сертификат").selectOption(String(annasCertificate().id));
    await page.getByLabel("Тип подписи").selectOption("CAdES");
    await page.getByLabel("Отделённая подпись").uncheck();
    await shot("dss-certificate-and-type");
    await page.getByRole("button", { name: "Подписать", exact: true }).click();
    await confirm(page, shot);

    await page.waitForURL(`${appUrl}/dss/back?**`);
    await expect(heading(page)).resolves.toBe("Пакет подписан");
    const items = page.locator("#outcome li");
    await expect(items.count()).resolves.toBe(3);
    for (const [i, d] of documents.entries()) {
      const item = items.nth(i);
      await expect(item.textContent()).resolves.toMatch(
        new RegExp(`^${d.name}: подпись проверена, подписал .*CN=anna`),
      );
      // Attached signatures (the box was unchecked): each carries its own document.
      const signature = await download(page, await item.locator("a").getAttribute("href"));
      const checked = await verifyCms(signature, { trusted: [dss.caCertificate] });
      expect(checked.valid, checked.reason).toBe(true);
      expect((await verifyCms(signature, { content: new Uint8Array(d.buffer) })).valid).toBe(true);
    }
    await shot("application-result");
    await close();
  });

  it("requests a certificate, then installs the certificate the CA issued for it", async () => {
    const { page, shot, close } = await open("certificate");
    await page.getByLabel("Имя субъекта").fill("CN=Пётр Петров, O=ООО Ромашка");
    await shot("application");
    await page.getByRole("button", { name: "Запросить сертификат в DSS" }).click();
    await signIn(page, shot);

    await expect(page.locator("#subject").textContent()).resolves.toBe(
      "CN=Пётр Петров, O=ООО Ромашка",
    );
    // The CA that waits for an operator: the request stays PENDING until its certificate comes.
    await page.getByLabel("Центр сертификации").selectOption("2");
    await shot("dss-certificate-authority");
    await page.getByRole("button", { name: "Сформировать запрос" }).click();
    await confirm(page, shot);

    await page.waitForURL(`${appUrl}/dss/back?**`);
    await expect(heading(page)).resolves.toBe("Запрос на сертификат получен");
    const shown = (await page.locator("#outcome").textContent()) ?? "";
    expect(shown).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    await shot("application-request");
    const der = Buffer.from(shown.replace(/-----[^-]+-----|\s/g, ""), "base64");
    const request = [...dss.state.requests.values()].find((r) => Buffer.from(r.der).equals(der));
    expect(request?.status).toBe("PENDING");

    // The CA issues the certificate out of band; the user uploads it to install it in DSS.
    const file = join(shots, "issued.pem");
    writeFileSync(file, toPem(await dss.issueOutOfBandCertificate(request!.id), "CERTIFICATE"));
    await page.getByLabel("Файл сертификата (PEM или DER)").setInputFiles(file);
    await page.getByRole("button", { name: "Установить сертификат в DSS" }).click();
    // Signed in to DSS already in this browser: straight to the installation page.
    await page.waitForURL(/\/frontend\/job\/[0-9a-f]{32}$/);
    await expect(page.locator("#subject").textContent()).resolves.toContain("Пётр Петров");
    await shot("dss-install");
    await page.getByRole("button", { name: "Установить сертификат", exact: true }).click();

    await page.waitForURL(/\/dss\/back\?.*result=ok/);
    await expect(heading(page)).resolves.toBe("Сертификат установлен");
    await shot("application-installed");
    expect(request!.status).toBe("ACCEPTED");
    expect(dss.state.certificates.get(request!.certificateId)?.subject).toContain("Пётр Петров");
    await close();
  });

  it("encrypts a file, then decrypts what DSS returned", async () => {
    const { page, shot, close } = await open("encryption");
    const content = "Коммерческое предложение: 1 000 000 ₽\n";
    await page.getByLabel("Файл для зашифрования").setInputFiles({
      name: "offer.txt",
      mimeType: "text/plain",
      buffer: utf8(content),
    });
    await shot("application");
    await page.getByRole("button", { name: "Зашифровать в DSS" }).click();
    await signIn(page, shot);

    await expect(page.getByRole("group", { name: "Получатели" }).isVisible()).resolves.toBe(true);
    await shot("dss-recipients");
    await page.getByRole("button", { name: "Зашифровать", exact: true }).click();

    await page.waitForURL(`${appUrl}/dss/back?**`);
    await expect(heading(page)).resolves.toBe("Файл зашифрован");
    const envelope = await download(page, await page.locator("#download").getAttribute("href"));
    expect(listCmsRecipients(envelope)).toHaveLength(1);
    expect(Buffer.from(envelope).includes(utf8("Коммерческое"))).toBe(false);
    await shot("application-encrypted");

    await page.getByRole("button", { name: "Расшифровать этот файл в DSS" }).click();
    await page.waitForURL(/\/frontend\/job\/[0-9a-f]{32}$/);
    await expect(heading(page)).resolves.toBe("Расшифрование документа");
    await page.getByLabel("Сертификат").selectOption(String(annasCertificate().id));
    await shot("dss-decrypt");
    await page.getByRole("button", { name: "Расшифровать", exact: true }).click();
    await confirm(page, shot);

    await page.waitForURL(`${appUrl}/dss/back?**`);
    await expect(heading(page)).resolves.toBe("Файл расшифрован");
    await expect(page.locator("#outcome").textContent()).resolves.toBe(content);
    await shot("application-decrypted");
    await close();
  });
});
