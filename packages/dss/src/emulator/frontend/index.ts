/**
 * The DSS web front-end of the emulator: the pages a user's browser goes through when a web
 * application uses the HTTP form API («КриптоПро DSS. Руководство разработчика», ЖТЯИ.00096-02
 * 97 01, ch. 1, lines 240-666). The application's page posts a form to an upload path; the user
 * signs in, chooses, enters a PIN and a one-time password when asked, and the front-end posts the
 * result back to `backpost`.
 */
import { randomBytes } from "node:crypto";
import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import type { DSSActionsName } from "../../generated/signserver/types.gen.js";
import type { ConfirmationResponse } from "../../generated/sts/types.gen.js";
import { needsConfirmation } from "../../policy.js";
import type { SignServerConfig } from "../signserver/index.js";
import { type DssEmulatorState, type Principal, sameSecret } from "../state.js";
import type { ConfirmationService } from "../sts/index.js";
import { toBase64 } from "../views.js";
import { FrontendBackend } from "./backend.js";
import {
  FrontendInputError,
  type FrontendOperation,
  type FrontendUpload,
  parseUpload,
} from "./forms.js";
import { alertLine, backpostPage, errorPage, escapeHtml, htmlPage, jobForm } from "./pages.js";

/** Where the front-end's own pages are served; its session cookie is scoped to it. */
export const FRONTEND_PATH = "/frontend";

/**
 * The upload paths under the front-end (case-insensitive; a trailing space, as in the guide's
 * form actions of §1.8-1.9, is ignored): the guide's paths, the `DecryptionWizrd` misprint and its
 * correct spelling, and `uploadencryptfile`, where the example forms of both §1.8 and §1.9 post
 * (a `decryptionType` field makes it a decryption).
 */
export const FRONTEND_UPLOAD_PATHS: Readonly<
  Record<string, FrontendOperation | "encryptOrDecrypt">
> = {
  uploadfile: "sign",
  "signaturewizard/uploadfile": "sign",
  "signaturewizard/uploadfiles": "signPackage",
  uploadcertrequest: "certRequest",
  uploadcertificate: "installCertificate",
  "encryptionwizard/uploadfile": "encrypt",
  "decryptionwizrd/uploadfile": "decrypt",
  "decryptionwizard/uploadfile": "decrypt",
  uploadencryptfile: "encryptOrDecrypt",
};

/** The front-end's mount points: `/frontend` (any case) and the PHP sample's `/DSS.Web.Frontend`. */
const PREFIXES = ["/frontend", "/dss.web.frontend"];

const COOKIE = "DssFrontendSession";
const SESSION_IDLE_MS = 30 * 60 * 1000;
const MAX_SESSIONS = 1000;
const MAX_JOBS_PER_SESSION = 20;
const MAX_LOGIN_ATTEMPTS = 5;
const MAX_PIN_ATTEMPTS = 3;

const ACTIONS: Record<FrontendOperation, DSSActionsName | undefined> = {
  sign: "SignDocument",
  signPackage: "SignDocuments",
  certRequest: "CreateRequest",
  installCertificate: undefined,
  encrypt: undefined,
  decrypt: "DecryptDocument",
};

const TITLES: Record<FrontendOperation, string> = {
  sign: "Подпись документа",
  signPackage: "Подпись пакета документов",
  certRequest: "Запрос на сертификат",
  installCertificate: "Установка сертификата",
  encrypt: "Зашифрование документа",
  decrypt: "Расшифрование документа",
};

type Step = "login" | "choose" | "pin" | "otp" | "wait";

/** What the user chose on the choice page. */
interface Choice {
  certificateId?: number;
  signatureType?: string;
  parameters?: Record<string, string>;
  caId?: number;
  newPin?: string;
  recipients?: number[];
}

interface Job {
  id: string;
  upload: FrontendUpload;
  step: Step;
  choice?: Choice;
  /** The PIN the user entered, kept until the operation runs. Never shown or logged. */
  pin?: string;
  loginAttempts: number;
  pinAttempts: number;
  refId?: string;
  challengeTitle?: string;
  challengeLabel?: string;
  principal?: Principal;
}

interface Session {
  id: string;
  csrf: string;
  login?: string;
  jobs: Map<string, Job>;
  lastSeen: number;
}

/** What the front-end is made of. */
export interface FrontendOptions {
  state: DssEmulatorState;
  config: SignServerConfig;
  confirmations: ConfirmationService;
  /** Largest accepted request body; larger uploads get an error page (413). */
  maxBodyBytes: number;
  /** Receives a line per notable event; never a secret. */
  log?: (line: string) => void;
}

/**
 * The front-end as a handler: answers requests under `/frontend` (any case) and
 * `/DSS.Web.Frontend`, and undefined for every other path.
 *
 * - Upload paths ({@link FRONTEND_UPLOAD_PATHS}) take POSTed `application/x-www-form-urlencoded`
 *   forms with the fields of §1.1-1.9 (names without case or surrounding spaces, so the guide's
 *   `" decryptionType"` counts). A form that cannot be acted on — no or a non-http(s) `backpost`,
 *   bad Base64, an unknown signature type or Table 1 parameter, an oversized body — gets an HTML
 *   page saying what is wrong; nothing is posted back. A good one opens a job in the browser's
 *   session and is redirected (303) to `/frontend/job/<id>`.
 * - The job's pages: sign-in (the emulator's users and passwords), the choice (certificate and,
 *   unless `signaturetype` fixed it, the signature type; the `documentInfo` text; CA handler and
 *   new key's PIN for a request; recipients for encryption), the PIN of a key that has one, the
 *   one-time password (or the wait for myDSS) when the policy asks to confirm the action. Every
 *   form carries the session's CSRF token.
 * - The result is a page that posts to `backpost` at once: `filename`/`filecontent` (signed,
 *   encrypted, decrypted), `result<N>`/`error<N>` for a package, `reqcontent` (PKCS#10), or
 *   `error` (§1.10) when the operation fails, is declined or cancelled; an installed certificate
 *   redirects to `backpost` with `result=ok` (§1.7).
 */
export function createFrontend(
  options: FrontendOptions,
): (request: RawRequest, pathname: string) => Promise<RawResponse> | undefined {
  const frontend = new Frontend(options);
  return (request, pathname) => {
    const where = frontendRest(pathname);
    if (!where) return undefined;
    if (!where.canonical) {
      // The session cookie belongs to /frontend: other spellings of the mount point (the
      // guide's `/Frontend/…`, the PHP sample's `/DSS.Web.Frontend/…`) are sent there, the
      // form posted again as it was (307 keeps the method and the body).
      const q = request.url.indexOf("?");
      return Promise.resolve({
        status: 307,
        headers: {
          location: `${FRONTEND_PATH}/${encodeURI(where.rest)}${q < 0 ? "" : request.url.slice(q)}`,
          "cache-control": "no-store",
        },
        body: new Uint8Array(),
      });
    }
    return frontend.handle(request, where.rest);
  };
}

/**
 * The path under the front-end's mount point (without surrounding slashes and spaces), and whether
 * the mount point was spelt `/frontend`; undefined outside it.
 */
function frontendRest(pathname: string): { rest: string; canonical: boolean } | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    decoded = pathname;
  }
  const lower = decoded.toLowerCase();
  for (const prefix of PREFIXES) {
    if (lower === prefix || lower.startsWith(`${prefix}/`)) {
      return {
        rest: decoded
          .slice(prefix.length)
          .trim()
          .replace(/^\/+|\/+$/g, ""),
        canonical: decoded.startsWith(FRONTEND_PATH),
      };
    }
  }
  return undefined;
}

class Frontend {
  readonly #sessions = new Map<string, Session>();
  readonly #backend: FrontendBackend;
  readonly #options: FrontendOptions;

  constructor(options: FrontendOptions) {
    this.#options = options;
    this.#backend = new FrontendBackend(options.state, options.config, options.confirmations);
  }

  async handle(request: RawRequest, rest: string): Promise<RawResponse> {
    try {
      if (request.body.byteLength > this.#options.maxBodyBytes) {
        return errorPage(
          413,
          `Запрос слишком велик: не более ${this.#options.maxBodyBytes} байт (с учётом кодирования BASE64).`,
        );
      }
      const lower = rest.toLowerCase();
      const upload = FRONTEND_UPLOAD_PATHS[lower];
      if (upload) return this.#upload(request, upload);
      const job = /^job\/([0-9a-f]{32})$/.exec(lower);
      if (job) return await this.#job(request, job[1]!);
      if (lower === "" && (request.method === "GET" || request.method === "HEAD")) {
        return htmlPage(
          200,
          "Веб-интерфейс КриптоПро DSS",
          "<p>Приложения отправляют сюда документы формами HTTP API (руководство разработчика, разд. 1).</p>",
        );
      }
      return errorPage(404, "Страница не найдена.");
    } catch (e) {
      if (e instanceof FrontendInputError) return errorPage(e.status, e.message);
      this.#options.log?.(`frontend: internal error (${e instanceof Error ? e.name : "unknown"})`);
      return errorPage(500, "Внутренняя ошибка веб-интерфейса.");
    }
  }

  #upload(request: RawRequest, operation: FrontendOperation | "encryptOrDecrypt"): RawResponse {
    if (request.method !== "POST") {
      const page = errorPage(405, "Форма отправляется методом POST.");
      return { ...page, headers: { ...page.headers, allow: "POST" } };
    }
    const upload = parseUpload(operation, request.body, request.headers["content-type"]);
    const { session, cookie } = this.#session(request, true);
    if (session.jobs.size >= MAX_JOBS_PER_SESSION) {
      const oldest = session.jobs.keys().next().value;
      if (oldest !== undefined) session.jobs.delete(oldest);
    }
    const job: Job = {
      id: randomBytes(16).toString("hex"),
      upload,
      step: "login",
      loginAttempts: 0,
      pinAttempts: 0,
    };
    session.jobs.set(job.id, job);
    this.#options.log?.(`frontend: ${upload.operation} job ${job.id} opened`);
    return {
      status: 303,
      headers: {
        location: `${FRONTEND_PATH}/job/${job.id}`,
        "cache-control": "no-store",
        ...(cookie ? { "set-cookie": cookie } : {}),
      },
      body: new Uint8Array(),
    };
  }

  async #job(request: RawRequest, id: string): Promise<RawResponse> {
    const { session } = this.#session(request, false);
    const job = session?.jobs.get(id);
    if (!session || !job) {
      return errorPage(
        404,
        "Операция не найдена: сеанс истёк или операция уже завершена. Отправьте документ из приложения ещё раз.",
      );
    }
    if (request.method === "GET" || request.method === "HEAD") {
      // Signed in already (another job of the session): straight on to the choice.
      if (job.step === "login" && session.login) return this.#enterChoice(session, job);
      if (job.step === "wait") return this.#poll(session, job);
      return this.#render(session, job);
    }
    if (request.method !== "POST") return errorPage(405, "Метод не поддерживается.");
    const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      return errorPage(415, "Форма должна быть в кодировке application/x-www-form-urlencoded.");
    }
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(new TextDecoder("utf-8", { fatal: true }).decode(request.body));
    } catch {
      return errorPage(400, "Тело запроса не является текстом в UTF-8.");
    }
    if (!sameSecret(form.get("csrf") ?? "", session.csrf)) {
      return errorPage(403, "Форма отклонена: неверный токен защиты от подделки запроса (CSRF).");
    }
    if (form.get("step") !== job.step) {
      return errorPage(409, "Эта страница устарела: обновите её и повторите действие.");
    }
    if (form.get("decision") === "cancel") {
      return this.#finish(session, job, { error: "Операция отменена пользователем." });
    }
    switch (job.step) {
      case "login":
        return this.#login(request, session, job, form);
      case "choose":
        return this.#choose(session, job, form);
      case "pin":
        return this.#pin(session, job, form);
      case "otp":
        return this.#otp(session, job, form);
      case "wait":
        return this.#poll(session, job);
    }
  }

  /** The browser's session from its cookie; a new one (with its cookie) when asked to. */
  #session(request: RawRequest, create: true): { session: Session; cookie?: string };
  #session(request: RawRequest, create: false): { session?: Session; cookie?: string };
  #session(request: RawRequest, create: boolean): { session?: Session; cookie?: string } {
    const now = this.#options.state.nowMs();
    for (const [k, s] of this.#sessions) {
      if (s.lastSeen + SESSION_IDLE_MS <= now) this.#sessions.delete(k);
    }
    const id = cookieValue(request.headers.cookie, COOKIE);
    const found = id === undefined ? undefined : this.#sessions.get(id);
    if (found) {
      found.lastSeen = now;
      return { session: found };
    }
    if (!create) return {};
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(32).toString("base64url"),
      csrf: randomBytes(32).toString("base64url"),
      jobs: new Map(),
      lastSeen: now,
    };
    this.#sessions.set(session.id, session);
    return { session, cookie: sessionCookie(request, session) };
  }

  #action(job: Job): string {
    return `${FRONTEND_PATH}/job/${job.id}`;
  }

  /** The page of the job's current step. */
  #render(session: Session, job: Job, message?: string): RawResponse {
    const title = TITLES[job.upload.operation];
    // A page with an introduction and one form of the job's current step.
    const formPage = (heading: string, intro: string, inputs: string, submit: string) =>
      htmlPage(
        200,
        heading,
        `${intro}\n${alertLine(message)}${jobForm(this.#action(job), job.step, session.csrf, inputs, submit)}`,
      );
    const challenge = (fallback: string) =>
      `<p>${escapeHtml(job.challengeTitle ?? fallback)}</p>
<div class="info" id="challenge">${escapeHtml(job.challengeLabel ?? title)}</div>`;
    switch (job.step) {
      case "login":
        return formPage(
          "Вход в КриптоПро DSS",
          `<p>${escapeHtml(title)}: войдите, чтобы продолжить.</p>`,
          `<label for="login">Имя пользователя</label>
<input id="login" name="login" autocomplete="username" required />
<label for="password">Пароль</label>
<input id="password" name="password" type="password" autocomplete="current-password" required />`,
          "Войти",
        );
      case "choose":
        return this.#choicePage(session, job, message);
      case "pin":
        return formPage(
          "PIN-код ключа",
          "<p>Закрытый ключ выбранного сертификата защищён PIN-кодом.</p>",
          `<label for="pin">PIN-код</label>
<input id="pin" name="pin" type="password" autocomplete="off" required />`,
          "Продолжить",
        );
      case "otp":
        return formPage(
          "Подтверждение операции",
          challenge("Введите одноразовый пароль"),
          `<label for="otp">Одноразовый пароль</label>
<input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" required />`,
          "Подтвердить",
        );
      case "wait":
        return htmlPage(
          200,
          "Подтверждение операции",
          `${challenge("Подтвердите операцию в приложении myDSS")}
<p role="status">Ожидание подтверждения… страница обновится сама.</p>
${jobForm(this.#action(job), "wait", session.csrf, "", "Проверить")}`,
          { refreshSeconds: 2 },
        );
    }
  }

  #user(session: Session): Principal | undefined {
    return session.login === undefined ? undefined : this.#backend.principal(session.login);
  }

  /** The certificates the user may act with (active, key held by the server), default first. */
  #usableCertificates(login: string) {
    return this.#options.state
      .certificatesOf(login)
      .filter((c) => c.status === 1 && c.privateKey !== undefined)
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  }

  #choicePage(session: Session, job: Job, message?: string): RawResponse {
    const u = job.upload;
    const login = session.login!;
    const parts: string[] = [];
    const certificateSelect = (ids?: readonly number[]) => {
      const certs = this.#usableCertificates(login).filter((c) => !ids || ids.includes(c.id));
      const options = certs
        .map(
          (c) =>
            `<option value="${c.id}"${c.id === job.choice?.certificateId ? " selected" : ""}>${escapeHtml(
              `${c.subject} (№ ${c.id}, до ${c.notAfter.toISOString().slice(0, 10)})`,
            )}</option>`,
        )
        .join("\n");
      return `<label for="certificate">Сертификат</label>
<select id="certificate" name="certificate" required>
${options}
</select>`;
    };
    switch (u.operation) {
      case "sign":
      case "signPackage": {
        if (u.operation === "sign") {
          parts.push(
            `<p>Документ: <strong>${escapeHtml(u.filename)}</strong> (${u.content.length} байт)</p>`,
          );
        } else {
          const items = u.documents
            .map(
              (d) =>
                `<li>${escapeHtml(d.name)}${d.error ? ` — <span class="error">не будет подписан: ${escapeHtml(d.error)}</span>` : ` (${d.content!.length} байт)`}</li>`,
            )
            .join("\n");
          parts.push(`<p>Документы пакета:</p>\n<ol>\n${items}\n</ol>`);
        }
        if (u.documentInfo !== undefined) {
          parts.push(`<section aria-labelledby="document-info-title">
<h2 id="document-info-title">Информация о документе</h2>
<div class="info" id="document-info">${escapeHtml(u.documentInfo)}</div>
</section>`);
        }
        parts.push(certificateSelect());
        if (u.signatureType) {
          parts.push(
            `<p>Тип подписи: <strong id="signature-type">${escapeHtml(u.signatureType.text)}</strong> (задан приложением)</p>`,
          );
        } else {
          parts.push(`<label for="signatureType">Тип подписи</label>
<select id="signatureType" name="signatureType">
<option value="CMS">CMS</option>
<option value="CAdES">CAdES-BES</option>
</select>
<p><input type="checkbox" id="detached" name="detached" value="true" checked />
<label for="detached" style="display:inline">Отделённая подпись</label></p>`);
        }
        return this.#choiceForm(session, job, parts, "Подписать", message);
      }
      case "certRequest": {
        const handlers = this.#options.config.caHandlers
          .map((h) => `<option value="${h.id}">${escapeHtml(h.name)}</option>`)
          .join("\n");
        parts.push(`<p>Имя субъекта: <strong id="subject">${escapeHtml(u.subject)}</strong></p>
<p>Назначения ключа (ExtendedKeyUsage): ${escapeHtml(u.eku.join(", ") || "—")}</p>
<label for="caId">Центр сертификации</label>
<select id="caId" name="caId">
${handlers}
</select>
<label for="newPin">PIN-код нового ключа (необязательно)</label>
<input id="newPin" name="newPin" type="password" autocomplete="new-password" />
<label for="newPinRepeat">PIN-код ещё раз</label>
<input id="newPinRepeat" name="newPinRepeat" type="password" autocomplete="new-password" />`);
        return this.#choiceForm(session, job, parts, "Сформировать запрос", message);
      }
      case "installCertificate":
        parts.push(`<p>Владелец: <strong id="subject">${escapeHtml(u.subject)}</strong></p>
<p>Издатель: ${escapeHtml(u.issuer)}</p>`);
        return this.#choiceForm(session, job, parts, "Установить сертификат", message);
      case "encrypt": {
        const boxes = this.#usableCertificates(login)
          .map(
            (c) =>
              `<p><input type="checkbox" id="recipient-${c.id}" name="recipient" value="${c.id}"${c.isDefault ? " checked" : ""} />
<label for="recipient-${c.id}" style="display:inline">${escapeHtml(`${c.subject} (№ ${c.id})`)}</label></p>`,
          )
          .join("\n");
        parts.push(`<p>Документ: <strong>${escapeHtml(u.filename)}</strong> (${u.content.length} байт)</p>
<fieldset><legend>Получатели</legend>
${boxes}
</fieldset>`);
        return this.#choiceForm(session, job, parts, "Зашифровать", message);
      }
      case "decrypt":
        parts.push(
          `<p>Документ: <strong>${escapeHtml(u.filename)}</strong> (${u.content.length} байт)</p>`,
        );
        parts.push(certificateSelect(job.choice?.recipients));
        return this.#choiceForm(session, job, parts, "Расшифровать", message);
    }
  }

  #choiceForm(
    session: Session,
    job: Job,
    parts: string[],
    submit: string,
    message: string | undefined,
  ): RawResponse {
    return htmlPage(
      200,
      TITLES[job.upload.operation],
      `<p>Пользователь: <strong id="user">${escapeHtml(session.login ?? "")}</strong></p>
${alertLine(message)}${jobForm(this.#action(job), "choose", session.csrf, parts.join("\n"), submit)}`,
    );
  }

  async #login(
    request: RawRequest,
    session: Session,
    job: Job,
    form: URLSearchParams,
  ): Promise<RawResponse> {
    const login = (form.get("login") ?? "").trim();
    const user = this.#options.state.checkPassword(login, form.get("password") ?? "");
    if (!user) {
      job.loginAttempts++;
      this.#options.log?.(`frontend: sign-in refused for job ${job.id}`);
      if (job.loginAttempts >= MAX_LOGIN_ATTEMPTS) {
        return this.#finish(session, job, { error: "Превышено число попыток входа." });
      }
      return this.#render(session, job, "Неверное имя пользователя или пароль.");
    }
    session.login = user.login;
    this.#options.log?.(`frontend: ${user.login} signed in`);
    // A new session id at sign-in: an id known before it is worth nothing after.
    this.#sessions.delete(session.id);
    session.id = randomBytes(32).toString("base64url");
    this.#sessions.set(session.id, session);
    const page = await this.#enterChoice(session, job);
    return { ...page, headers: { ...page.headers, "set-cookie": sessionCookie(request, session) } };
  }

  /** Goes to the choice page; finishes at once when there is nothing the user could choose. */
  async #enterChoice(session: Session, job: Job): Promise<RawResponse> {
    const login = session.login!;
    const u = job.upload;
    const needsKey =
      u.operation === "sign" || u.operation === "signPackage" || u.operation === "decrypt";
    if ((needsKey || u.operation === "encrypt") && this.#usableCertificates(login).length === 0) {
      return this.#finish(session, job, {
        error: "У пользователя нет действующего сертификата с закрытым ключом на сервере.",
      });
    }
    if (u.operation === "decrypt") {
      const p = this.#user(session)!;
      const ids = await this.#backend.call("parseDecryptionCertificates", p, {
        body: { Content: toBase64(u.content) },
      });
      if (!ids.ok) return this.#finish(session, job, { error: ids.message });
      job.choice = { recipients: ids.value as number[] };
    }
    job.step = "choose";
    return this.#render(session, job);
  }

  async #choose(session: Session, job: Job, form: URLSearchParams): Promise<RawResponse> {
    const u = job.upload;
    const login = session.login!;
    const choice: Choice = {
      ...(job.choice?.recipients ? { recipients: job.choice.recipients } : {}),
    };
    const usable = this.#usableCertificates(login);
    if (u.operation === "sign" || u.operation === "signPackage" || u.operation === "decrypt") {
      const id = Number(form.get("certificate"));
      const allowed =
        u.operation === "decrypt" ? (choice.recipients ?? []) : usable.map((c) => c.id);
      if (!usable.some((c) => c.id === id) || !allowed.includes(id)) {
        return this.#render(session, job, "Выберите сертификат из списка.");
      }
      choice.certificateId = id;
    }
    if (u.operation === "sign" || u.operation === "signPackage") {
      if (u.signatureType) {
        choice.signatureType = u.signatureType.type;
        choice.parameters = { ...(u.signatureType.parameters as Record<string, string>) };
      } else {
        const type = form.get("signatureType");
        if (type !== "CMS" && type !== "CAdES") {
          return this.#render(session, job, "Выберите тип подписи из списка.");
        }
        const detached = form.get("detached") === "true" ? "True" : "False";
        choice.signatureType = type;
        choice.parameters =
          type === "CAdES" ? { CADESType: "BES", IsDetached: detached } : { IsDetached: detached };
      }
    }
    if (u.operation === "certRequest") {
      const caId = Number(form.get("caId"));
      if (!this.#options.config.caHandlers.some((h) => h.id === caId)) {
        return this.#render(session, job, "Выберите центр сертификации из списка.");
      }
      const pin = form.get("newPin") ?? "";
      if (pin !== (form.get("newPinRepeat") ?? "")) {
        return this.#render(session, job, "PIN-коды не совпадают.");
      }
      choice.caId = caId;
      if (pin !== "") choice.newPin = pin;
    }
    if (u.operation === "encrypt") {
      const ids = form.getAll("recipient").map(Number);
      if (ids.length === 0 || ids.some((id) => !usable.some((c) => c.id === id))) {
        return this.#render(session, job, "Выберите хотя бы одного получателя из списка.");
      }
      choice.recipients = ids;
    }
    job.choice = choice;
    const cert =
      choice.certificateId === undefined
        ? undefined
        : this.#options.state.certificates.get(choice.certificateId);
    if (cert && cert.pin !== "") {
      job.step = "pin";
      return this.#render(session, job);
    }
    return this.#confirmOrRun(session, job);
  }

  async #pin(session: Session, job: Job, form: URLSearchParams): Promise<RawResponse> {
    const cert = this.#options.state.certificates.get(job.choice?.certificateId ?? 0);
    const pin = form.get("pin") ?? "";
    if (!cert || !sameSecret(pin, cert.pin)) {
      job.pinAttempts++;
      this.#options.log?.(`frontend: wrong PIN for job ${job.id}`);
      if (job.pinAttempts >= MAX_PIN_ATTEMPTS) {
        return this.#finish(session, job, { error: "Превышено число попыток ввода PIN-кода." });
      }
      return this.#render(session, job, "Неверный PIN-код.");
    }
    job.pin = pin;
    return this.#confirmOrRun(session, job);
  }

  /** Starts the confirmation when the policy asks for it (guide §6.2), else runs the operation. */
  async #confirmOrRun(session: Session, job: Job): Promise<RawResponse> {
    const action = ACTIONS[job.upload.operation];
    const p = this.#user(session);
    if (!p) return this.#finish(session, job, { error: "Учётная запись недоступна." });
    if (!action || !needsConfirmation(this.#options.config.policy, action)) {
      return this.#run(session, job, p);
    }
    const tx = await this.#backend.call("createTransaction", p, {
      body: transactionOf(action, job),
    });
    if (!tx.ok) return this.#finish(session, job, { error: tx.message });
    const answer = this.#backend.startConfirmation(p, tx.value as string);
    job.principal = p;
    return this.#afterConfirmation(session, job, answer);
  }

  async #afterConfirmation(
    session: Session,
    job: Job,
    answer: ConfirmationResponse,
  ): Promise<RawResponse> {
    if (answer.IsFinal) {
      if (answer.IsError || !answer.AccessToken) {
        return this.#finish(session, job, {
          error: answer.ErrorDescription ?? answer.Error ?? "Операция не подтверждена.",
        });
      }
      const confirmed = this.#backend.confirmed(answer.AccessToken);
      if (!confirmed) return this.#finish(session, job, { error: "Операция не подтверждена." });
      return this.#run(session, job, confirmed);
    }
    const challenge = answer.Challenge;
    const text = challenge?.TextChallenge?.[0];
    if (challenge && text) {
      job.refId = text.RefID;
      job.challengeTitle = challenge.Title?.Value;
      job.challengeLabel = text.Label;
    }
    if (!job.refId) return this.#finish(session, job, { error: "Операция не подтверждена." });
    const user = this.#options.state.users.get(session.login ?? "");
    job.step = user?.confirmation === "mydss" ? "wait" : "otp";
    return this.#render(
      session,
      job,
      answer.IsError ? (answer.ErrorDescription ?? "Неверный одноразовый пароль.") : undefined,
    );
  }

  async #otp(session: Session, job: Job, form: URLSearchParams): Promise<RawResponse> {
    const value = (form.get("otp") ?? "").trim();
    if (value === "") return this.#render(session, job, "Введите одноразовый пароль.");
    const answer = this.#backend.answerConfirmation(job.principal!, job.refId!, value);
    if (!answer.IsFinal && answer.IsError) {
      this.#options.log?.(`frontend: wrong one-time password for job ${job.id}`);
      const left = /(\d+) attempt/.exec(answer.ErrorDescription ?? "")?.[1];
      return this.#render(
        session,
        job,
        `Неверный одноразовый пароль.${left ? ` Осталось попыток: ${left}.` : ""}`,
      );
    }
    return this.#afterConfirmation(session, job, answer);
  }

  async #poll(session: Session, job: Job): Promise<RawResponse> {
    const answer = this.#backend.answerConfirmation(job.principal!, job.refId!, undefined);
    if (!answer.IsFinal) return this.#render(session, job);
    return this.#afterConfirmation(session, job, answer);
  }

  /** Runs the operation as `p` (the user, or the token confirmed for the transaction). */
  async #run(session: Session, job: Job, p: Principal): Promise<RawResponse> {
    const u = job.upload;
    const c = job.choice ?? {};
    const confirmed = p.token.transactionId !== undefined;
    const signature = {
      Type: c.signatureType as "CMS",
      ...(c.parameters ? { Parameters: c.parameters } : {}),
      ...(c.certificateId !== undefined ? { CertificateId: c.certificateId } : {}),
      ...(job.pin !== undefined ? { PinCode: job.pin } : {}),
    };
    switch (u.operation) {
      case "sign": {
        const r = await this.#backend.call("signDocument", p, {
          body: { ...(confirmed ? {} : { Content: toBase64(u.content) }), Signature: signature },
        });
        return this.#finish(
          session,
          job,
          r.ok ? { filename: u.filename, filecontent: r.value as string } : { error: r.message },
        );
      }
      case "signPackage": {
        const given = u.documents.filter((d) => d.content);
        const r = await this.#backend.call("signDocumentPackage", p, {
          body: {
            Documents: confirmed ? [] : given.map((d) => ({ Content: toBase64(d.content!) })),
            Signature: signature,
          },
        });
        const fields: Record<string, string> = {};
        let k = 0;
        u.documents.forEach((d, i) => {
          const result = d.content && r.ok ? (r.value.Results[k++] ?? "") : "";
          fields[`result${i}`] = result;
          fields[`error${i}`] = d.error ?? (r.ok ? "" : `Ошибка при подписи - ${r.message}`);
        });
        return this.#finish(session, job, fields);
      }
      case "certRequest": {
        const made = await this.#backend.call("createRequest", p, {
          body: {
            AuthorityId: c.caId ?? 0,
            DistinguishedName: u.distinguishedName,
            ...(c.newPin !== undefined ? { PinCode: c.newPin } : {}),
            ...(u.eku.length > 0 ? { Parameters: { EkuString: u.eku.join(",") } } : {}),
          },
        });
        if (!made.ok) return this.#finish(session, job, { error: made.message });
        const content = await this.#backend.call("getRequestContent", p, {
          path: { key: made.value.ID },
          query: { format: 1, authorityId: 0 },
        });
        return this.#finish(
          session,
          job,
          content.ok ? { reqcontent: content.value as string } : { error: content.message },
        );
      }
      case "installCertificate": {
        const r = await this.#backend.call("installCertificate", p, {
          body: { certificate: toBase64(u.certificate) },
        });
        if (!r.ok) return this.#finish(session, job, { error: r.message });
        session.jobs.delete(job.id);
        this.#options.log?.(`frontend: installCertificate job ${job.id} done`);
        const url = new URL(u.backpost);
        url.searchParams.set("result", "ok");
        return {
          status: 303,
          headers: { location: url.toString(), "cache-control": "no-store" },
          body: new Uint8Array(),
        };
      }
      case "encrypt": {
        const certificates = (c.recipients ?? []).map((id) =>
          toBase64(this.#options.state.certificates.get(id)!.der),
        );
        const r = await this.#backend.call("encryptDocument", p, {
          body: {
            Content: toBase64(u.content),
            Encryption: { Type: "CMS", Certificates: certificates },
          },
        });
        return this.#finish(
          session,
          job,
          r.ok ? { filename: u.filename, filecontent: r.value as string } : { error: r.message },
        );
      }
      case "decrypt": {
        const r = await this.#backend.call("decryptDocument", p, {
          body: {
            ...(confirmed ? {} : { Content: toBase64(u.content) }),
            Decryption: {
              Type: "CMS",
              CertificateId: c.certificateId,
              ...(job.pin !== undefined ? { PinCode: job.pin } : {}),
            },
          },
        });
        return this.#finish(
          session,
          job,
          r.ok ? { filename: u.filename, filecontent: r.value as string } : { error: r.message },
        );
      }
    }
  }

  /** Ends the job: the page that posts `fields` to `backpost`. */
  #finish(session: Session, job: Job, fields: Record<string, string>): RawResponse {
    session.jobs.delete(job.id);
    const outcome = "error" in fields ? "error" : "result";
    this.#options.log?.(`frontend: ${job.upload.operation} job ${job.id} ends with ${outcome}`);
    return backpostPage(job.upload.backpost, fields);
  }
}

/** The transaction a confirmed operation runs (guide §6.2.2): document(s) and parameters. */
function transactionOf(action: DSSActionsName, job: Job) {
  const u = job.upload;
  const c = job.choice ?? {};
  const parameters: { Name: string; Value: string }[] = [];
  if (c.certificateId !== undefined) {
    parameters.push({ Name: "CertificateID", Value: String(c.certificateId) });
  }
  if (c.signatureType) parameters.push({ Name: "SignatureType", Value: c.signatureType });
  if ((u.operation === "sign" || u.operation === "signPackage") && u.documentInfo !== undefined) {
    parameters.push({ Name: "DocumentInfo", Value: u.documentInfo });
  }
  return {
    OperationCode: action,
    Parameters: parameters,
    ...(u.operation === "sign" || u.operation === "decrypt"
      ? { Document: toBase64(u.content) }
      : {}),
    ...(u.operation === "signPackage"
      ? {
          Documents: u.documents
            .filter((d) => d.content)
            .map((d) => ({ Name: d.name, Content: toBase64(d.content!) })),
        }
      : {}),
  };
}

/** The Set-Cookie value of a session: the front-end's path only, not for scripts, Secure on HTTPS. */
function sessionCookie(request: RawRequest, session: Session): string {
  const secure = request.scheme === "https" ? "; Secure" : "";
  return `${COOKIE}=${session.id}; Path=${FRONTEND_PATH}; HttpOnly; SameSite=Lax${secure}`;
}

/** A cookie's value from a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
