/**
 * The emulator's DSS web front-end (HTTP form API, «КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, ch. 1) over real HTTP on 127.0.0.1: every upload path and result shape,
 * sign-in, PIN and one-time password, the choices, refusals, and the CMS posted back verified.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decryptCms,
  encryptCms,
  listCmsRecipients,
  parseCertificateRequest,
  verifyCms,
} from "../src/cms/index.js";
import { DEFAULT_OTP } from "../src/emulator/index.js";
import { type Running, start } from "./emulator-support.js";
import {
  alertOf,
  b64,
  deliver,
  FormClient,
  formOf,
  type Page,
  startReceiver,
  textOf,
} from "./frontend-support.js";

const DOC = new TextEncoder().encode("Договор № 17 от 3 декабря\n");
const INFO = "Договор № 17\nСумма: 1 000 ₽\n<b>не разметка</b>";

let dss: Running;
let confirmDss: Running;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const logs: string[] = [];

beforeAll(async () => {
  [dss, confirmDss, receiver] = await Promise.all([
    start({ log: (l) => logs.push(l), maxBodyBytes: 64 * 1024 }),
    start({
      confirmation: "On",
      users: [
        { login: "demo", password: "demo" },
        { login: "phone", password: "phone-pass", confirmation: "mydss" },
      ],
      log: (l) => logs.push(l),
    }),
    startReceiver(),
  ]);
});

afterAll(async () => {
  await Promise.all([dss.close(), confirmDss.close(), receiver.close()]);
});

const backpost = (tag: string) => `${receiver.url}/result/${tag}`;

/** Posts a form to an upload path and signs in on the page it leads to. */
async function upload(
  client: FormClient,
  base: string,
  path: string,
  fields: Record<string, string> | [string, string][],
  login = "demo",
  password = "demo",
): Promise<Page> {
  const first = await client.post(`${base}${path}`, fields);
  expect(first.status).toBe(200);
  expect(first.url).toMatch(/\/frontend\/job\/[0-9a-f]{32}$/);
  if (!first.html.includes('name="password"')) return first;
  return client.submit(first, { login, password });
}

async function verified(signature: string, content: Uint8Array, running: Running) {
  const result = await verifyCms(new Uint8Array(Buffer.from(signature, "base64")), {
    content,
    trusted: [running.dss.caCertificate],
  });
  expect(result.valid, result.reason).toBe(true);
  return result;
}

describe("signing one document (§1.1-1.2)", () => {
  it("signs in, chooses the certificate and type, and posts filename and filecontent back", async () => {
    const client = new FormClient();
    const first = await client.post(`${dss.url}/frontend/uploadfile`, {
      filecontent: b64(DOC),
      filename: "dogovor.txt",
      backpost: backpost("one"),
    });
    const cookie = client.cookies.get("DssFrontendSession");
    expect(cookie?.raw).toMatch(/Path=\/frontend; HttpOnly; SameSite=Lax/);
    expect(first.html).toMatch(/<label for="login">Имя пользователя<\/label>/);
    expect(first.html).toMatch(/<label for="password">Пароль<\/label>/);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

    const wrong = await client.submit(first, { login: "demo", password: "wrong-secret-1" });
    expect(alertOf(wrong)).toBe("Неверное имя пользователя или пароль.");
    expect(wrong.html).not.toContain("wrong-secret-1");

    const before = client.cookies.get("DssFrontendSession")?.value;
    const choice = await client.submit(wrong, { login: "demo", password: "demo" });
    // Signing in gives the session a new id.
    expect(client.cookies.get("DssFrontendSession")?.value).not.toBe(before);
    expect(textOf(choice, "user")).toBe("demo");
    expect(choice.html).toContain("dogovor.txt");
    expect(choice.html).toMatch(/<label for="certificate">Сертификат<\/label>/);
    expect(choice.html).toMatch(/<label for="signatureType">Тип подписи<\/label>/);
    const certId = /<option value="(\d+)"/.exec(choice.html)![1]!;

    const done = await client.submit(choice, {
      certificate: certId,
      signatureType: "CAdES",
      detached: "true",
    });
    const posted = await deliver(done);
    expect([...posted.keys()].sort()).toEqual(["filecontent", "filename"]);
    expect(posted.get("filename")).toBe("dogovor.txt");
    const result = await verified(posted.get("filecontent")!, DOC, dss);
    const demoCert = dss.dss.state.certificates.get(Number(certId))!;
    expect(Buffer.from(result.signerCertificate!).equals(Buffer.from(demoCert.der))).toBe(true);
    expect(receiver.received.at(-1)?.url).toBe("/result/one");
    // The job is over: its page is gone.
    expect((await client.request(first.url)).status).toBe(404);
  });

  it("honours signaturetype and shows documentInfo on the confirmation page", async () => {
    const client = new FormClient();
    const choice = await upload(client, dss.url, "/Frontend/SignatureWizard/uploadfile", {
      filecontent: b64(DOC),
      filename: "a.txt",
      backpost: backpost("typed"),
      signaturetype: "cades:CAdESType=BES; IsDetached =false",
      documentInfo: b64(INFO),
    });
    expect(textOf(choice, "document-info")).toBe(INFO);
    expect(choice.html).toContain("&lt;b&gt;не разметка&lt;/b&gt;");
    expect(textOf(choice, "signature-type")).toBe("cades:CAdESType=BES; IsDetached =false");
    expect(choice.html).not.toContain('name="signatureType"');
    const posted = await deliver(await client.submit(choice));
    const result = await verifyCms(
      new Uint8Array(Buffer.from(posted.get("filecontent")!, "base64")),
      {
        trusted: [dss.dss.caCertificate],
      },
    );
    // IsDetached=false: the document is inside the signature.
    expect(result.valid).toBe(true);
    expect(Buffer.from(result.content!).equals(Buffer.from(DOC))).toBe(true);
  });

  it("posts error when the signature type cannot be made (the PHP sample's gost3410)", async () => {
    const client = new FormClient();
    const choice = await upload(client, dss.url, "/DSS.Web.Frontend/uploadfile", {
      filecontent: b64(DOC),
      filename: "a.txt",
      backpost: backpost("gost"),
      signaturetype: "gost3410:hash=true",
    });
    const posted = await deliver(await client.submit(choice));
    expect([...posted.keys()]).toEqual(["error"]);
    expect(posted.get("error")).toMatch(/CMS and CAdES-BES signatures only/);
  });

  it("asks for the PIN of a key that has one; a wrong PIN is refused, three end with error", async () => {
    const client = new FormClient();
    const cert = dss.dss.state.certificatesOf("demo")[0]!;
    cert.pin = "4321";
    try {
      const choice = await upload(client, dss.url, "/frontend/uploadfile", {
        filecontent: b64(DOC),
        filename: "a.txt",
        backpost: backpost("pin"),
      });
      const pinPage = await client.submit(choice, {
        certificate: String(cert.id),
        signatureType: "CMS",
      });
      expect(pinPage.html).toMatch(/<label for="pin">PIN-код<\/label>/);
      const wrong = await client.submit(pinPage, { pin: "0000" });
      expect(alertOf(wrong)).toBe("Неверный PIN-код.");
      expect(wrong.html).not.toContain("0000");
      const posted = await deliver(await client.submit(wrong, { pin: "4321" }));
      await verified(posted.get("filecontent")!, DOC, dss);

      const again = await upload(client, dss.url, "/frontend/uploadfile", {
        filecontent: b64(DOC),
        filename: "a.txt",
        backpost: backpost("pin2"),
      });
      // Signed in already: the session goes straight to the choice.
      expect(textOf(again, "user")).toBe("demo");
      let page = await client.submit(again, { certificate: String(cert.id), signatureType: "CMS" });
      for (let i = 0; i < 2; i++) page = await client.submit(page, { pin: "1111" });
      const failed = await deliver(await client.submit(page, { pin: "1111" }));
      expect(failed.get("error")).toBe("Превышено число попыток ввода PIN-кода.");
    } finally {
      cert.pin = "";
    }
  });

  it("posts error when the user cancels", async () => {
    const client = new FormClient();
    const choice = await upload(client, dss.url, "/frontend/uploadfile", {
      filecontent: b64(DOC),
      filename: "a.txt",
      backpost: backpost("cancel"),
    });
    const posted = await deliver(await client.submit(choice, { decision: "cancel" }));
    expect(posted.get("error")).toBe("Операция отменена пользователем.");
  });
});

describe("confirmation with a one-time password (policy On)", () => {
  it("shows documentInfo in the challenge, refuses a wrong password and signs after the right one", async () => {
    const client = new FormClient();
    const choice = await upload(client, confirmDss.url, "/frontend/uploadfile", {
      filecontent: b64(DOC),
      filename: "a.txt",
      backpost: backpost("otp"),
      documentInfo: b64(INFO),
    });
    const otpPage = await client.submit(choice, {
      signatureType: "CMS",
    });
    expect(otpPage.html).toMatch(/<label for="otp">Одноразовый пароль<\/label>/);
    expect(textOf(otpPage, "challenge")).toContain(INFO);
    const wrong = await client.submit(otpPage, { otp: "000000" });
    expect(alertOf(wrong)).toBe("Неверный одноразовый пароль. Осталось попыток: 2.");
    expect(wrong.html).not.toContain("000000");
    const posted = await deliver(await client.submit(wrong, { otp: DEFAULT_OTP }));
    await verified(posted.get("filecontent")!, DOC, confirmDss);
    const tx = [...confirmDss.dss.state.transactions.values()].at(-1)!;
    expect(tx.action).toBe("SignDocument");
    expect(tx.state).toBe("used");
  });

  it("ends with error after too many wrong one-time passwords", async () => {
    const client = new FormClient();
    const choice = await upload(client, confirmDss.url, "/frontend/uploadfile", {
      filecontent: b64(DOC),
      filename: "a.txt",
      backpost: backpost("otp-max"),
    });
    let page = await client.submit(choice, {
      signatureType: "CMS",
    });
    for (let i = 0; i < 2; i++) page = await client.submit(page, { otp: "999999" });
    const posted = await deliver(await client.submit(page, { otp: "999999" }));
    expect(posted.get("error")).toMatch(/Too many wrong one-time passwords/);
  });

  /** A signing job of the myDSS user, waiting for the phone; its transaction. */
  async function waitingForPhone(tag: string) {
    const client = new FormClient();
    const choice = await upload(
      client,
      confirmDss.url,
      "/frontend/uploadfile",
      { filecontent: b64(DOC), filename: "b.txt", backpost: backpost(tag) },
      "phone",
      "phone-pass",
    );
    const wait = await client.submit(choice);
    const tx = [...confirmDss.dss.state.transactions.values()].at(-1)!;
    return { client, wait, tx };
  }

  it("waits for myDSS and posts error when the user declines on the phone", async () => {
    const { client, wait, tx } = await waitingForPhone("mydss");
    expect(wait.html).toContain('http-equiv="refresh"');
    expect((await client.request(wait.url)).html).toContain("Ожидание подтверждения");
    confirmDss.dss.declineTransaction(tx.id);
    const posted = await deliver(await client.request(wait.url));
    expect(posted.get("error")).toBe("The user declined the operation.");
  });

  it("signs after the phone approves", async () => {
    const { client, wait, tx } = await waitingForPhone("mydss-ok");
    confirmDss.dss.approveTransaction(tx.id);
    const posted = await deliver(await client.request(wait.url));
    expect(posted.get("filename")).toBe("b.txt");
    await verified(posted.get("filecontent")!, DOC, confirmDss);
  });
});

describe("a package of documents (§1.3-1.4)", () => {
  it("posts result<N> and error<N>; a document that is not Base64 gets the guide's error", async () => {
    const client = new FormClient();
    const docs = ["первый", "второй", "третий"].map((t) => new TextEncoder().encode(t));
    const choice = await upload(client, confirmDss.url, "/Frontend/SignatureWizard/UploadFiles", [
      ["documents", b64(docs[0]!)],
      ["documentNames", "1.txt"],
      ["documents", "не base64!"],
      ["documentNames", "2.txt"],
      ["documents", b64(docs[2]!)],
      ["documentNames", "3.txt"],
      ["backpost", backpost("package")],
      ["signaturetype", "CMS:IsDetached=True"],
    ]);
    expect(choice.html).toContain("не будет подписан");
    const otp = await client.submit(choice, {});
    const posted = await deliver(await client.submit(otp, { otp: DEFAULT_OTP }));
    expect([...posted.keys()]).toEqual([
      "result0",
      "error0",
      "result1",
      "error1",
      "result2",
      "error2",
    ]);
    expect(posted.get("error0")).toBe("");
    expect(posted.get("result1")).toBe("");
    expect(posted.get("error1")).toBe("Ошибка при подписи - неверный формат");
    await verified(posted.get("result0")!, docs[0]!, confirmDss);
    await verified(posted.get("result2")!, docs[2]!, confirmDss);
  });
});

describe("certificate request and installation (§1.5-1.7)", () => {
  it("posts the PKCS#10 request, then installs the certificate and redirects with result=ok", async () => {
    const client = new FormClient();
    const choice = await upload(client, dss.url, "/frontend/uploadcertrequest", {
      reqcontent: b64("CN=Иванов Иван Иванович, O=КРИПТО-ПРО Банк, OU=Финансовый отдел"),
      reqeku: b64("1.3.6.1.5.5.7.3.2,1.3.6.1.5.5.7.3.4"),
      backpost: backpost("request"),
    });
    expect(textOf(choice, "subject")).toBe(
      "CN=Иванов Иван Иванович, O=КРИПТО-ПРО Банк, OU=Финансовый отдел",
    );
    expect(choice.html).toMatch(/<label for="caId">Центр сертификации<\/label>/);
    const mismatch = await client.submit(choice, { caId: "2", newPin: "1", newPinRepeat: "2" });
    expect(alertOf(mismatch)).toBe("PIN-коды не совпадают.");
    const posted = await deliver(
      await client.submit(mismatch, { caId: "2", newPin: "5555", newPinRepeat: "5555" }),
    );
    expect([...posted.keys()]).toEqual(["reqcontent"]);
    const der = new Uint8Array(Buffer.from(posted.get("reqcontent")!, "base64"));
    const facts = await parseCertificateRequest(der);
    expect(facts.subject).toContain("Иванов Иван Иванович");
    const request = [...dss.dss.state.requests.values()].at(-1)!;
    expect(request.status).toBe("PENDING");
    expect(Buffer.from(request.der).equals(Buffer.from(der))).toBe(true);

    const certificate = await dss.dss.issueOutOfBandCertificate(request.id);
    const installPage = await client.post(`${dss.url}/frontend/uploadcertificate`, {
      certcontent: b64(certificate),
      backpost: `${backpost("install")}?app=1`,
    });
    expect(textOf(installPage, "subject")).toContain("Иванов Иван Иванович");
    const redirected = await client.submit(installPage);
    expect(redirected.status).toBe(303);
    const target = new URL(redirected.url);
    expect(target.pathname).toBe("/result/install");
    expect(target.searchParams.get("app")).toBe("1");
    expect(target.searchParams.get("result")).toBe("ok");
    expect(request.status).toBe("ACCEPTED");
    expect(dss.dss.state.certificates.get(request.certificateId)?.pin).toBe("5555");

    // The same certificate again: its request is no longer PENDING, error goes back.
    const again = await client.post(`${dss.url}/frontend/uploadcertificate`, {
      certcontent: b64(certificate),
      backpost: backpost("install-again"),
    });
    const failed = await deliver(await client.submit(again));
    expect(failed.get("error")).toBe("The matching request is not PENDING.");
  });
});

describe("encryption and decryption (§1.8-1.9)", () => {
  it("encrypts at the example form's address with its trailing space and decrypts with ' decryptionType'", async () => {
    const client = new FormClient();
    const choice = await upload(client, dss.url, "/frontend/uploadencryptfile%20", {
      filecontent: b64(DOC),
      filename: "test.txt",
      encryptionType: "cms",
      backpost: backpost("encrypt"),
    });
    expect(choice.html).toContain("<legend>Получатели</legend>");
    const cert = dss.dss.state.certificatesOf("demo")[0]!;
    const encrypted = await deliver(await client.submit(choice, { recipient: String(cert.id) }));
    expect(encrypted.get("filename")).toBe("test.txt");
    const envelope = new Uint8Array(Buffer.from(encrypted.get("filecontent")!, "base64"));
    expect(listCmsRecipients(envelope)).toHaveLength(1);
    const plain = await decryptCms(envelope, {
      certificate: cert.der,
      privateKey: cert.privateKey!,
    });
    expect(Buffer.from(plain).equals(Buffer.from(DOC))).toBe(true);

    for (const path of ["/Frontend/DecryptionWizrd/UploadFile", "/frontend/uploadencryptfile"]) {
      const page = await client.post(`${dss.url}${path}`, {
        filecontent: encrypted.get("filecontent")!,
        filename: "test.txt",
        " decryptionType": "cms",
        backpost: backpost("decrypt"),
      });
      expect(page.html).toContain("Расшифрование документа");
      const decrypted = await deliver(await client.submit(page, { certificate: String(cert.id) }));
      expect(decrypted.get("error")).toBeNull();
      expect(decrypted.get("filename")).toBe("test.txt");
      expect(Buffer.from(decrypted.get("filecontent")!, "base64").equals(Buffer.from(DOC))).toBe(
        true,
      );
    }
  });

  it("posts error when no certificate of the user can decrypt the document", async () => {
    const envelope = await encryptCms(DOC, [dss.dss.caCertificate]);
    const client = new FormClient();
    const page = await upload(client, dss.url, "/Frontend/DecryptionWizrd/UploadFile", {
      filecontent: b64(envelope),
      filename: "x.txt",
      decryptionType: "CMS",
      backpost: backpost("decrypt-none"),
    });
    const posted = await deliver(page);
    expect(posted.get("error")).toBe("No certificate of the user can decrypt the document.");
  });
});

describe("the upload paths and their documented spellings", () => {
  const sign = () => ({ filecontent: b64(DOC), filename: "a.txt", backpost: backpost("paths") });
  const paths: [string, () => Record<string, string>, string][] = [
    ["/frontend/uploadfile", sign, "Подпись документа"],
    ["/frontend/SignatureWizard/uploadfile", sign, "Подпись документа"],
    ["/FRONTEND/signaturewizard/UPLOADFILE%20", sign, "Подпись документа"],
    [
      "/frontend/SignatureWizard/UploadFiles",
      () => ({ documents: b64(DOC), documentNames: "a.txt", backpost: backpost("paths") }),
      "Подпись пакета документов",
    ],
    [
      "/frontend/uploadcertrequest",
      () => ({
        reqcontent: b64("CN=A"),
        reqeku: b64("1.3.6.1.5.5.7.3.2"),
        backpost: backpost("p"),
      }),
      "Запрос на сертификат",
    ],
    ["/Frontend/EncryptionWizard/UploadFile", sign, "Зашифрование документа"],
    ["/frontend/uploadencryptfile ", sign, "Зашифрование документа"],
    ["/DSS.Web.Frontend/uploadfile", sign, "Подпись документа"],
  ];
  it.each(paths)("%s opens a job", async (path, fields, title) => {
    const client = new FormClient();
    const login = await upload(client, dss.url, path, fields());
    expect(login.html).toContain(`<h1>${title}</h1>`);
  });

  it("takes every signature type with Table 1's parameters in any case", async () => {
    for (const signaturetype of [
      "XMLDSig:XMLDSigType=xmlenveloped",
      "GOST3410:Hash=False",
      "CAdES:CAdESType=XLT1;TSPAddress=http://127.0.0.1/tsp;IsDetached=True;Hash=True",
      "PDF:PDFFormat=cms;PDFReason=Согласовано;PDFLocation=Москва",
      "MSOffice",
      "CMS:IsDetached=False",
    ]) {
      const client = new FormClient();
      const page = await upload(client, dss.url, "/frontend/uploadfile", {
        ...sign(),
        signaturetype,
      });
      expect(textOf(page, "signature-type")).toBe(signaturetype);
    }
  });

  it("sends other spellings of the mount point to /frontend with 307, which keeps the form", async () => {
    for (const prefix of ["/Frontend", "/DSS.Web.Frontend", "/dss.web.frontend"]) {
      const res = await fetch(`${dss.url}${prefix}/SignatureWizard/UploadFiles?x=1`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "documents=QQ%3D%3D&documentNames=a&backpost=http%3A%2F%2F127.0.0.1%2F",
      });
      expect(res.status).toBe(307);
      expect(res.headers.get("location")).toBe("/frontend/SignatureWizard/UploadFiles?x=1");
    }
  });
});

describe("confirmed certificate request and decryption (policy On)", () => {
  it("asks for the one-time password before making the request and before decrypting", async () => {
    const client = new FormClient();
    const choice = await upload(client, confirmDss.url, "/frontend/uploadcertrequest", {
      reqcontent: b64("CN=Петров, O=Банк"),
      reqeku: b64("1.3.6.1.5.5.7.3.4"),
      backpost: backpost("confirmed-request"),
    });
    const otp = await client.submit(choice, { caId: "1" });
    expect(textOf(otp, "challenge")).toContain("Создание запроса на сертификат");
    const posted = await deliver(await client.submit(otp, { otp: DEFAULT_OTP }));
    const facts = await parseCertificateRequest(
      new Uint8Array(Buffer.from(posted.get("reqcontent")!, "base64")),
    );
    expect(facts.subject).toContain("Петров");
    // CA handler 1 issues at once: the user now has a second certificate.
    expect(confirmDss.dss.state.certificatesOf("demo")).toHaveLength(2);

    const cert = confirmDss.dss.state.certificatesOf("demo")[0]!;
    const envelope = await encryptCms(DOC, [cert.der]);
    const page = await client.post(`${confirmDss.url}/frontend/DecryptionWizrd/UploadFile`, {
      filecontent: b64(envelope),
      filename: "secret.txt",
      backpost: backpost("confirmed-decrypt"),
    });
    const challenge = await client.submit(page);
    expect(textOf(challenge, "challenge")).toContain("Расшифрование документа");
    const decrypted = await deliver(await client.submit(challenge, { otp: DEFAULT_OTP }));
    expect(Buffer.from(decrypted.get("filecontent")!, "base64").equals(Buffer.from(DOC))).toBe(
      true,
    );
  });
});

describe("refusals: an HTML page saying what is wrong, nothing posted back", () => {
  // Collected before the receiver starts: "@backpost" stands for its address.
  const BP = "@backpost";
  const GOOD = { filecontent: b64(DOC), filename: "a.txt", backpost: BP };
  const good = () => ({ ...GOOD, backpost: backpost("refused") });
  const cases: [string, string, Record<string, string>, number, RegExp][] = [
    [
      "no backpost",
      "/frontend/uploadfile",
      { filecontent: b64(DOC), filename: "a" },
      400,
      /backpost/,
    ],
    [
      "a backpost that is not http(s)",
      "/frontend/uploadfile",
      { ...GOOD, backpost: "javascript:alert(1)" },
      400,
      /http:\/\/ или https:\/\//,
    ],
    [
      "broken Base64",
      "/frontend/uploadfile",
      { ...GOOD, filecontent: "%%%" },
      400,
      /filecontent не является строкой BASE64/,
    ],
    [
      "an unknown signature type",
      "/frontend/uploadfile",
      { ...GOOD, signaturetype: "RSA:x=1" },
      400,
      /Неизвестный тип подписи «RSA»/,
    ],
    [
      "a parameter Table 1 does not give the type",
      "/frontend/uploadfile",
      { ...GOOD, signaturetype: "GOST3410:CAdESType=BES" },
      400,
      /не определён для типа подписи GOST3410/,
    ],
    [
      "a value Table 1 does not allow",
      "/frontend/uploadfile",
      { ...GOOD, signaturetype: "CAdES:CAdESType=XL" },
      400,
      /BES или T или XLT1/,
    ],
    [
      "a PDF format Table 1 does not list",
      "/frontend/uploadfile",
      { ...GOOD, signaturetype: "PDF:PDFFormat=PKCS7" },
      400,
      /CMS или CAdEST или CAdES/,
    ],
    [
      "documentInfo that is not Base64",
      "/frontend/uploadfile",
      { ...GOOD, documentInfo: "!" },
      400,
      /documentInfo/,
    ],
    [
      "no filename",
      "/frontend/uploadfile",
      { filecontent: b64(DOC), backpost: BP },
      400,
      /filename/,
    ],
    [
      "documents without documentNames",
      "/frontend/SignatureWizard/UploadFiles",
      { documents: b64(DOC), backpost: BP },
      400,
      /documentNames \(0\)/,
    ],
    [
      "a subject without CN",
      "/frontend/uploadcertrequest",
      { reqcontent: b64("O=Банк"), reqeku: b64("1.3.6.1.5.5.7.3.2"), backpost: BP },
      400,
      /CN/,
    ],
    [
      "an EKU that is not an OID",
      "/frontend/uploadcertrequest",
      { reqcontent: b64("CN=A"), reqeku: b64("clientAuth"), backpost: BP },
      400,
      /clientAuth/,
    ],
    [
      "certcontent that is not a certificate",
      "/frontend/uploadcertificate",
      { certcontent: b64("нет"), backpost: BP },
      400,
      /X\.509/,
    ],
    [
      "an unknown encryption type",
      "/Frontend/EncryptionWizard/UploadFile",
      { ...GOOD, encryptionType: "pgp" },
      400,
      /Таблица 3/,
    ],
    [
      "a decryption of what is not EnvelopedData",
      "/Frontend/DecryptionWizrd/UploadFile",
      { ...GOOD, decryptionType: "cms" },
      400,
      /зашифрованным документом CMS/,
    ],
  ];
  it.each(cases)("%s", async (_name, path, fields, status, message) => {
    const before = receiver.received.length;
    const client = new FormClient();
    const form = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, v === BP ? backpost("refused") : v]),
    );
    const page = await client.post(`${dss.url}${path}`, form);
    expect(page.status).toBe(status);
    expect(alertOf(page)).toMatch(message);
    expect(page.html).not.toMatch(/at \w+ \(|Error:/);
    expect(client.cookies.size).toBe(0);
    expect(receiver.received.length).toBe(before);
  });

  it("refuses an oversized post with 413, another method with 405, another encoding with 415", async () => {
    const client = new FormClient();
    const big = await client.post(`${dss.url}/frontend/uploadfile`, {
      ...good(),
      filecontent: b64(new Uint8Array(70 * 1024)),
    });
    expect(big.status).toBe(413);
    expect(alertOf(big)).toMatch(/слишком велик/);
    const get = await client.request(`${dss.url}/frontend/uploadfile`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const json = await client.request(`${dss.url}/frontend/uploadfile`, {
      method: "POST",
      body: JSON.stringify(good()),
      type: "application/json",
    });
    expect(json.status).toBe(415);
    expect((await client.request(`${dss.url}/frontend/nothing`)).status).toBe(404);
  });

  it("refuses a job's form without the session's CSRF token, and a job of another session", async () => {
    const client = new FormClient();
    const login = await client.post(`${dss.url}/frontend/uploadfile`, good());
    const form = formOf(login);
    const forged = await client.post(form.action, {
      ...form.fields,
      csrf: "forged",
      login: "demo",
      password: "demo",
    });
    expect(forged.status).toBe(403);
    expect(alertOf(forged)).toMatch(/CSRF/);
    const stranger = new FormClient();
    const stolen = await stranger.post(form.action, {
      ...form.fields,
      login: "demo",
      password: "demo",
    });
    expect(stolen.status).toBe(404);
    const stale = await client.post(form.action, { ...form.fields, step: "otp", otp: "1" });
    expect(stale.status).toBe(409);
  });
});

describe("secrets", () => {
  it("never writes a password, PIN or one-time password to the log", () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of ["wrong-secret-1", "phone-pass", "4321", "5555", DEFAULT_OTP, "999999"]) {
      expect(logs.join("\n")).not.toContain(secret);
    }
  });
});
