// @ts-check
// A web application that signs, requests and installs certificates, encrypts and decrypts through
// the CryptoPro DSS web front-end (HTTP form API, «КриптоПро DSS. Руководство разработчика»,
// ЖТЯИ.00096-02 97 01, ch. 1), with @trustspec/dss-frontend: the user uploads a file to this
// application, which answers with the DSS form built by the package (a backpost URL with a token
// for this form of this session); the browser posts it to DSS, the user signs in and confirms
// there, and DSS's result comes back to /dss/back, where the package's receiver checks the token,
// parses the result and verifies the returned CMS against the document that was sent.
import { randomBytes, X509Certificate } from "node:crypto";
import {
  backpostUrl,
  certificateRequestForm,
  createBackpostToken,
  DEFAULT_TOKEN_PARAMETER,
  DSS_FORM_KINDS,
  DssFormInputError,
  DssFormTooLargeError,
  decryptFileForm,
  encryptFileForm,
  escapeHtml,
  installCertificateForm,
  renderAutoSubmitForm,
  signFileForm,
  signFilesForm,
} from "@trustspec/dss-frontend";
import { createBackpostListener } from "@trustspec/dss-frontend/node";
import { cmsVerifier } from "@trustspec/dss-frontend/verify";

/** @typedef {import("@trustspec/dss-frontend").DssFormKind} DssFormKind */
/** @typedef {import("@trustspec/dss-frontend").DssForm} DssForm */
/** @typedef {import("@trustspec/dss-frontend").BackpostOutcome} BackpostOutcome */
/** @typedef {import("@trustspec/dss-frontend").BackpostVerification} BackpostVerification */
/** @typedef {{ name: string; content: Uint8Array; type: string }} StoredFile */
/** @typedef {{ id: string; files: Map<string, StoredFile> }} Session */
/** @typedef {{ sessionId: string; kind: DssFormKind; documents: { name: string; content: Uint8Array }[] }} PendingForm */

/**
 * @typedef {object} AppOptions
 * @property {string} frontendUrl the DSS web front-end, e.g. http://127.0.0.1:8080/frontend
 * @property {string} publicUrl where browsers reach this application (the backpost's origin)
 * @property {string | Uint8Array} secret at least 32 bytes; the backpost tokens' HMAC key
 * @property {Uint8Array[]} [trusted] the CA certificates (DER) a returned signature must chain to
 * @property {number} [maxPostBytes] the largest form DSS accepts (the emulator's default 1 MiB)
 */

const COOKIE = "app_session";
const MAX_SESSIONS = 1000;
const MAX_PENDING = 1000;
const MAX_FILES = 20;
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;
/** The OIDs of TLS client authentication and e-mail protection. */
const DEFAULT_EKU = "1.3.6.1.5.5.7.3.2, 1.3.6.1.5.5.7.3.4";

/** What the user can choose as the signature type on this application's page. */
const SIGNATURE_TYPES = /** @type {const} */ ({
  "": ["выбрать в DSS", undefined],
  "cades-detached": [
    "CAdES-BES, отделённая",
    { type: "CAdES", CAdESType: "BES", IsDetached: true },
  ],
  "cms-attached": ["CMS, присоединённая", { type: "CMS", IsDetached: false }],
});

/** Raised for what the user sent wrong; the message is shown on the page. */
class InputError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * A page of the application.
 * @param {string} title
 * @param {string} body HTML
 */
function page(title, body) {
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
section{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
label{display:block;margin:.5rem 0 .2rem}input[type=text],textarea,select{width:100%}
pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.5rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

/** @param {string} action @param {string} inner @param {string} submit */
const uploadForm = (action, inner, submit) =>
  `<form method="post" action="${action}" enctype="multipart/form-data">
${inner}
<p><button type="submit">${escapeHtml(submit)}</button></p>
</form>`;

const installSection = `<section aria-labelledby="install-title"><h2 id="install-title">Установить сертификат</h2>
<p>Сертификат, который удостоверяющий центр выпустил по запросу, сделанному в DSS.</p>
${uploadForm(
  "/start/installCertificate",
  `<label for="certificate">Файл сертификата (PEM или DER)</label>
<input type="file" id="certificate" name="certificate" required>`,
  "Установить сертификат в DSS",
)}
</section>`;

function homePage() {
  const types = Object.entries(SIGNATURE_TYPES)
    .map(([value, [label]]) => `<option value="${value}">${escapeHtml(label)}</option>`)
    .join("");
  return page(
    "Документы через КриптоПро DSS",
    `<section aria-labelledby="sign-title"><h2 id="sign-title">Подписать файл</h2>
${uploadForm(
  "/start/signFile",
  `<label for="sign-file">Файл для подписи</label>
<input type="file" id="sign-file" name="file" required>
<label for="sign-info">Информация о документе (DSS покажет её при подтверждении)</label>
<textarea id="sign-info" name="documentInfo" rows="2"></textarea>
<label for="sign-type">Тип подписи</label>
<select id="sign-type" name="signatureType">${types}</select>`,
  "Подписать в DSS",
)}
</section>
<section aria-labelledby="package-title"><h2 id="package-title">Подписать несколько документов</h2>
${uploadForm(
  "/start/signFiles",
  `<label for="package-files">Документы для подписи</label>
<input type="file" id="package-files" name="files" multiple required>
<label for="package-info">Информация о пакете</label>
<textarea id="package-info" name="documentInfo" rows="2"></textarea>`,
  "Подписать пакет в DSS",
)}
</section>
<section aria-labelledby="request-title"><h2 id="request-title">Запросить сертификат</h2>
${uploadForm(
  "/start/certificateRequest",
  `<label for="subject">Имя субъекта</label>
<input type="text" id="subject" name="subject" value="CN=Иванов Иван Иванович, O=ООО Ромашка" required>
<label for="eku">Назначения ключа (OID через запятую)</label>
<input type="text" id="eku" name="eku" value="${DEFAULT_EKU}">`,
  "Запросить сертификат в DSS",
)}
</section>
${installSection}
<section aria-labelledby="encrypt-title"><h2 id="encrypt-title">Зашифровать файл</h2>
${uploadForm(
  "/start/encryptFile",
  `<label for="encrypt-file">Файл для зашифрования</label>
<input type="file" id="encrypt-file" name="file" required>`,
  "Зашифровать в DSS",
)}
</section>
<section aria-labelledby="decrypt-title"><h2 id="decrypt-title">Расшифровать файл</h2>
${uploadForm(
  "/start/decryptFile",
  `<label for="decrypt-file">Файл для расшифрования</label>
<input type="file" id="decrypt-file" name="file" required>`,
  "Расшифровать в DSS",
)}
</section>`,
  );
}

/** @param {string | undefined} header @returns {string | undefined} */
function cookieValue(header) {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** @param {Uint8Array} der */
function subjectOf(der) {
  try {
    return new X509Certificate(der).subject.replace(/\n/g, ", ");
  } catch {
    return "сертификат не разобран";
  }
}

/** @param {Uint8Array} der @param {string} label */
function pem(der, label) {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * The application as a `node:http` request listener.
 * @param {AppOptions} options
 */
export function createApp(options) {
  /** @type {Map<string, Session>} */
  const sessions = new Map();
  /** The forms sent to DSS and not answered yet, by their token's nonce. @type {Map<string, PendingForm>} */
  const pending = new Map();
  const origin = new URL(options.publicUrl).origin;
  const back = `${origin}/dss/back`;
  const trustedCa = (options.trusted ?? []).length > 0;

  /** @param {string | undefined} id */
  const sessionById = (id) => (id === undefined ? undefined : sessions.get(id));

  /** The browser's session, made (with its cookie) when it has none. */
  function session(/** @type {import("node:http").IncomingMessage} */ req) {
    const found = sessionById(cookieValue(req.headers.cookie));
    if (found) return { session: found, cookie: undefined };
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value ?? "");
    const made = { id: randomBytes(24).toString("base64url"), files: new Map() };
    sessions.set(made.id, made);
    return { session: made, cookie: `${COOKIE}=${made.id}; Path=/; HttpOnly; SameSite=Lax` };
  }

  /** Keeps a file of the session for download; its id. @param {Session} s @param {StoredFile} file */
  function keep(s, file) {
    if (s.files.size >= MAX_FILES) s.files.delete(s.files.keys().next().value ?? "");
    const id = randomBytes(12).toString("hex");
    s.files.set(id, file);
    return id;
  }

  /** @param {import("node:http").IncomingMessage} req */
  async function formData(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_UPLOAD_BYTES) throw new InputError(413, "Файлы слишком велики.");
      chunks.push(chunk);
    }
    const headers = new Headers();
    if (req.headers["content-type"]) headers.set("content-type", req.headers["content-type"]);
    try {
      return await new Request(origin, {
        method: "POST",
        headers,
        body: Buffer.concat(chunks),
      }).formData();
    } catch {
      throw new InputError(400, "Форма не разобрана: отправьте её со страницы приложения.");
    }
  }

  /** The uploaded files of a field (an empty file input sends a file without a name). */
  async function files(/** @type {FormData} */ form, /** @type {string} */ field) {
    const out = [];
    for (const value of form.getAll(field)) {
      if (typeof value === "string" || (value.name === "" && value.size === 0)) continue;
      out.push({ name: value.name, content: new Uint8Array(await value.arrayBuffer()) });
    }
    if (out.length === 0) throw new InputError(400, "Выберите файл.");
    return out;
  }

  /** The one uploaded file of a field. @param {FormData} form @param {string} field */
  async function oneFile(form, field) {
    const [first] = await files(form, field);
    if (!first) throw new InputError(400, "Выберите файл.");
    return first;
  }

  /** @param {FormData} form @param {string} name */
  const text = (form, name) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };

  /**
   * The DSS form of `kind` for what the user posted, and the documents it sends.
   * @param {DssFormKind} kind @param {FormData} form @param {Session} s @param {string} backpost
   * @returns {Promise<{ dss: DssForm; documents: { name: string; content: Uint8Array }[] }>}
   */
  async function dssForm(kind, form, s, backpost) {
    const common = {
      frontendUrl: options.frontendUrl,
      backpost,
      ...(options.maxPostBytes ? { maxPostBytes: options.maxPostBytes } : {}),
    };
    const documentInfo = text(form, "documentInfo");
    const info = documentInfo === undefined ? {} : { documentInfo };
    switch (kind) {
      case "signFile": {
        const file = await oneFile(form, "file");
        const choice =
          SIGNATURE_TYPES[/** @type {"cms-attached"} */ (text(form, "signatureType") ?? "")];
        const signatureType = choice?.[1];
        return {
          dss: signFileForm({
            ...common,
            ...info,
            file,
            ...(signatureType ? { signatureType } : {}),
          }),
          documents: [file],
        };
      }
      case "signFiles": {
        const documents = await files(form, "files");
        return { dss: signFilesForm({ ...common, ...info, files: documents }), documents };
      }
      case "certificateRequest": {
        const eku = (text(form, "eku") ?? "").split(/[\s,]+/).filter(Boolean);
        return {
          dss: certificateRequestForm({
            ...common,
            subject: text(form, "subject") ?? "",
            extendedKeyUsage: eku,
          }),
          documents: [],
        };
      }
      case "installCertificate": {
        const file = await oneFile(form, "certificate");
        const asText = new TextDecoder().decode(file.content);
        const certificate = asText.includes("-----BEGIN CERTIFICATE-----") ? asText : file.content;
        return { dss: installCertificateForm({ ...common, certificate }), documents: [] };
      }
      case "encryptFile": {
        const file = await oneFile(form, "file");
        return { dss: encryptFileForm({ ...common, file }), documents: [file] };
      }
      case "decryptFile": {
        // A file the user uploads, or one this application keeps (the result of an encryption).
        const kept = s.files.get(text(form, "stored") ?? "");
        const file = kept ?? (await oneFile(form, "file"));
        return { dss: decryptFileForm({ ...common, file }), documents: [file] };
      }
    }
  }

  /** Answers a start form with the DSS form that posts itself. */
  async function start(
    /** @type {import("node:http").IncomingMessage} */ req,
    /** @type {DssFormKind} */ kind,
  ) {
    const { session: s, cookie } = session(req);
    const form = await formData(req);
    const token = await createBackpostToken({ secret: options.secret, sessionId: s.id, kind });
    let built;
    try {
      built = await dssForm(kind, form, s, backpostUrl(back, token));
    } catch (e) {
      if (e instanceof DssFormTooLargeError) {
        throw new InputError(
          413,
          `DSS принимает формы не больше ${e.limit} байт, эта — ${e.size}.`,
        );
      }
      if (e instanceof DssFormInputError) {
        throw new InputError(400, `Поле ${e.field}: ${e.message}`);
      }
      throw e;
    }
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value ?? "");
    pending.set(token.split(".")[3] ?? "", { sessionId: s.id, kind, documents: built.documents });
    return { html: renderAutoSubmitForm(built.dss), cookie };
  }

  /**
   * The page after DSS's answer.
   * @param {BackpostOutcome} outcome @param {Session} s @param {PendingForm | undefined} form
   */
  function outcomePage(outcome, s, form) {
    const home = `<p><a href="/">На главную</a></p>`;
    /** @param {BackpostVerification | undefined} v */
    const verified = (v) =>
      v?.valid
        ? `подпись проверена, подписал ${escapeHtml(v.signerCertificate ? subjectOf(v.signerCertificate) : "?")}${trustedCa ? ", сертификат выдан доверенным УЦ" : " (УЦ не проверялся: не задан --ca-cert)"}`
        : "подпись не проверялась";
    /** @param {StoredFile} file @param {string} label */
    const download = (file, label) =>
      `<a id="download" href="/files/${keep(s, file)}" download="${escapeHtml(file.name)}">${escapeHtml(label)}</a>`;
    if (outcome.result === "error") {
      return page(
        "DSS сообщил об ошибке",
        `<p id="outcome" role="alert">${escapeHtml(outcome.message)}</p>${home}`,
      );
    }
    switch (outcome.kind) {
      case "signFile": {
        const name = `${outcome.file.safeName}.sig`;
        return page(
          "Документ подписан",
          `<p>Документ: <strong>${escapeHtml(outcome.file.safeName)}</strong></p>
<p id="outcome">${verified(outcome.verification)}</p>
<p>${download({ name, content: outcome.file.content, type: "application/pkcs7-signature" }, `Скачать подпись ${name}`)}</p>${home}`,
        );
      }
      case "signFiles": {
        const items = outcome.documents
          .map((d) => {
            const name = form?.documents[d.index]?.name ?? `документ ${d.index + 1}`;
            if (!d.signed)
              return `<li>${escapeHtml(name)}: не подписан — ${escapeHtml(d.error ?? "")}</li>`;
            const file = {
              name: `${name}.sig`,
              content: d.signed,
              type: "application/pkcs7-signature",
            };
            return `<li>${escapeHtml(name)}: ${verified(d.verification)} — <a href="/files/${keep(s, file)}" download="${escapeHtml(file.name)}">подпись</a></li>`;
          })
          .join("\n");
        return page(
          outcome.complete ? "Пакет подписан" : "Пакет подписан не полностью",
          `<ol id="outcome">\n${items}\n</ol>${home}`,
        );
      }
      case "certificateRequest": {
        const request = pem(outcome.request, "CERTIFICATE REQUEST");
        return page(
          "Запрос на сертификат получен",
          `<p>DSS создал ключ и запрос на сертификат (PKCS#10). Отправьте запрос в удостоверяющий центр и установите выпущенный сертификат.</p>
<pre id="outcome">${escapeHtml(request)}</pre>
<p>${download({ name: "request.p10", content: outcome.request, type: "application/pkcs10" }, "Скачать запрос")}</p>
${installSection}${home}`,
        );
      }
      case "installCertificate":
        return page(
          outcome.result === "installed" ? "Сертификат установлен" : "Сертификат не установлен",
          `<p id="outcome">${outcome.result === "installed" ? "DSS установил сертификат." : "DSS вернул пользователя без result=ok."}</p>${home}`,
        );
      case "encryptFile": {
        const file = {
          name: `${outcome.file.safeName}.p7m`,
          content: outcome.file.content,
          type: "application/pkcs7-mime",
        };
        const id = keep(s, file);
        return page(
          "Файл зашифрован",
          `<p id="outcome">${escapeHtml(outcome.file.safeName)}: ${outcome.file.content.length} байт CMS EnvelopedData</p>
<p><a id="download" href="/files/${id}" download="${escapeHtml(file.name)}">Скачать ${escapeHtml(file.name)}</a></p>
<form method="post" action="/start/decryptFile" enctype="multipart/form-data">
<input type="hidden" name="stored" value="${id}">
<button type="submit">Расшифровать этот файл в DSS</button>
</form>${home}`,
        );
      }
      case "decryptFile": {
        const file = {
          name: outcome.file.safeName,
          content: outcome.file.content,
          type: "application/octet-stream",
        };
        const asText = new TextDecoder("utf-8", { fatal: false }).decode(outcome.file.content);
        return page(
          "Файл расшифрован",
          `<p>${escapeHtml(outcome.file.safeName)}: ${outcome.file.content.length} байт</p>
<pre id="outcome">${escapeHtml(asText.slice(0, 2000))}</pre>
<p>${download(file, `Скачать ${file.name}`)}</p>${home}`,
        );
      }
    }
  }

  /**
   * The receiver of DSS's posts, for one request: its session is the browser's cookie (sent with
   * DSS's post when it is same-site) or the session that made the form, found by the token's
   * nonce; the token must be that session's. Each returned signature is verified against the
   * document this application sent, and against the CA when one is given.
   * @param {import("node:http").IncomingMessage} req
   */
  function receiver(req) {
    const url = new URL(req.url ?? "/", origin);
    const nonce = (url.searchParams.get(DEFAULT_TOKEN_PARAMETER) ?? "").split(".")[3] ?? "";
    const form = pending.get(nonce);
    const s = sessionById(cookieValue(req.headers.cookie)) ?? sessionById(form?.sessionId);
    return createBackpostListener({
      secret: options.secret,
      origin,
      sessionId: () => s?.id,
      // One answer per form.
      consumeToken: (claims) => pending.delete(claims.nonce),
      verify: cmsVerifier({
        ...(trustedCa ? { trusted: options.trusted } : {}),
        content: ({ index }) => form?.documents[index ?? 0]?.content,
      }),
      onOutcome: (outcome) => html(200, outcomePage(outcome, /** @type {Session} */ (s), form)),
      onRefused: (error) =>
        html(
          error.status,
          page(
            "Ответ DSS отклонён",
            `<p id="outcome" role="alert">${escapeHtml(refusal(error))}</p>`,
          ),
        ),
    });
  }

  /** @type {import("node:http").RequestListener} */
  const listener = (req, res) => {
    const send = (/** @type {number} */ status, /** @type {string} */ body, cookie = "") => {
      res.writeHead(status, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        ...(cookie ? { "set-cookie": cookie } : {}),
      });
      res.end(body);
    };
    const url = new URL(req.url ?? "/", origin);
    const route = async () => {
      if (url.pathname === "/dss/back") return receiver(req)(req, res);
      if (url.pathname === "/" && req.method === "GET") {
        const { cookie } = session(req);
        return send(200, homePage(), cookie);
      }
      const startKind = /^\/start\/(\w+)$/.exec(url.pathname)?.[1];
      if (startKind && DSS_FORM_KINDS.includes(/** @type {DssFormKind} */ (startKind))) {
        if (req.method !== "POST") throw new InputError(405, "Форма отправляется методом POST.");
        const started = await start(req, /** @type {DssFormKind} */ (startKind));
        return send(200, started.html, started.cookie);
      }
      const fileId = /^\/files\/([0-9a-f]{24})$/.exec(url.pathname)?.[1];
      const file = sessionById(cookieValue(req.headers.cookie))?.files.get(fileId ?? "");
      if (file && req.method === "GET") {
        res.writeHead(200, {
          "content-type": file.type,
          "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
        return res.end(Buffer.from(file.content));
      }
      throw new InputError(404, "Страница не найдена.");
    };
    route().catch((e) => {
      if (res.headersSent) return res.end();
      if (e instanceof InputError)
        return send(
          e.status,
          page(
            "Ошибка",
            `<p role="alert">${escapeHtml(e.message)}</p><p><a href="/">На главную</a></p>`,
          ),
        );
      console.error(`internal error: ${e instanceof Error ? e.name : "unknown"}`);
      send(500, page("Ошибка", '<p role="alert">Внутренняя ошибка приложения.</p>'));
    });
  };

  return { listener, sessions, pending };
}

/** @param {number} status @param {string} body */
function html(status, body) {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * What the user is told about a refused post to backpost.
 * @param {import("@trustspec/dss-frontend").BackpostRefusedError} e
 */
function refusal(e) {
  switch (e.reason) {
    case "token-missing":
    case "token-malformed":
    case "token-invalid":
    case "token-expired":
    case "session-missing":
      return `Ответ не принят: он не относится к форме, отправленной из этого сеанса (${e.reason}).`;
    case "signature-invalid":
      return `Ответ не принят: ${e.message}`;
    default:
      return `Ответ не принят (${e.reason}): ${e.message}`;
  }
}
