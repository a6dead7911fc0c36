import { createHash } from "node:crypto";
import {
  coerceScalar,
  type OperationDescriptor,
  parseBasicAuth,
  validatorFor,
} from "@trustspec/runtime";
import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import {
  authorize as authorizeOperation,
  authorizeWithCertificate as authorizeWithCertificateOperation,
} from "../generated/sts/operations.gen.js";
import { schemas } from "../generated/sts/schemas.gen.js";
import type {
  AuthorizeContext,
  AuthorizeReply,
  ConfirmContext,
  ConfirmReply,
  DssStsHandlers,
  TokenContext,
  TokenReply,
} from "../generated/sts/server.gen.js";
import {
  type ConfirmationErrorCode,
  ConfirmationErrorCode as ConfirmationErrors,
  type ConfirmationResponse,
  type InteractiveChallenge,
  type TokenRequestAuthorizationCode,
  type TokenRequestPassword,
  type TokenRequestTokenExchange,
  type TokenResponse,
  type TransactionCallback,
} from "../generated/sts/types.gen.js";
import { ACTION_DISPLAY_NAMES } from "./actions.js";
import { confirmationError, oauthError } from "./errors.js";
import {
  type AccessTokenRecord,
  type DssClient,
  type DssEmulatorState,
  type DssUser,
  type Principal,
  randomToken,
  type StoredConfirmation,
  type StoredTransaction,
  sameSecret,
} from "./state.js";

/** The realm the emulator names in its Basic challenges. */
export const BASIC_REALM = 'Basic realm="DSS emulator"';

const AUTHN_METHOD = {
  otp: "http://dss.cryptopro.ru/identity/authenticationmethod/otpviasms",
  mydss: "http://dss.cryptopro.ru/identity/authenticationmethod/mobile",
} as const;

const TITLES = {
  otp: "Введите одноразовый пароль для подтверждения операции",
  // The myDSS example's title (guide, line 15717).
  mydss: "Подтвердите операцию на устройстве с помощью приложения.",
} as const;

/** What the identity centre's handlers need besides the state. */
export interface StsOptions {
  /** Approve asynchronous (myDSS) confirmations by themselves after this many milliseconds. */
  autoApproveMs?: number;
  /** Sends TransactionCallback notifications (default: the global fetch). */
  fetch?: typeof globalThis.fetch;
  /** Receives one line per notable event; never a secret. */
  log?: (line: string) => void;
}

type TokenError = Extract<TokenReply, { status: 400 | 401 }>;

function tokenError(status: 400 | 401, error: string, description: string): TokenError {
  return {
    status,
    body: oauthError(error, description),
    ...(status === 401 ? { headers: { "www-authenticate": BASIC_REALM } } : {}),
  } as TokenError;
}

function scopeOf(requested: string | undefined): string | TokenError {
  const scope = requested?.trim() ? requested.trim().replace(/\s+/g, " ") : "dss";
  if (!scope.split(" ").includes("dss")) {
    return tokenError(400, "invalid_scope", 'The scope must contain "dss" (guide, line 10842).');
  }
  return scope;
}

function tokenResponse(token: AccessTokenRecord, nowMs: number): TokenResponse {
  return {
    access_token: token.value,
    expires_in: Math.max(0, Math.round((token.expiresAt - nowMs) / 1000)),
    token_type: "Bearer",
  };
}

/**
 * Reads the unsigned JWT naming the managed user in a token exchange (guide, lines 12789-12823):
 * `BASE64URL(header).BASE64URL(payload).`, header `{"alg":"none"}`, payload with `unique_name`
 * and the validity window `nbf`/`exp` in seconds. A clock skew of 60 s is tolerated.
 */
export function readSubjectToken(
  token: string,
  nowMs: number,
): { login: string } | { error: string } {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[2] !== "") {
    return {
      error: "The subject_token is not an unsigned JWT (header.payload. with no signature).",
    };
  }
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
  } catch {
    return { error: "The subject_token's header or payload is not Base64url-encoded JSON." };
  }
  if (!isRecord(header) || header.alg !== "none") {
    return { error: 'The subject_token\'s header must say "alg": "none".' };
  }
  if (!isRecord(payload) || typeof payload.unique_name !== "string" || !payload.unique_name) {
    return { error: "The subject_token names no user (unique_name)." };
  }
  const now = nowMs / 1000;
  const skew = 60;
  if (typeof payload.exp !== "number" || payload.exp + skew <= now) {
    return { error: "The subject_token has expired (exp)." };
  }
  if (typeof payload.nbf === "number" && payload.nbf - skew > now) {
    return { error: "The subject_token is not valid yet (nbf)." };
  }
  return { login: payload.unique_name };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** `redirectUri` with `params` added to its query (RFC 6749 §4.1.2, §4.1.2.1). */
function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  const separator = redirectUri.includes("?") ? "&" : "?";
  return `${redirectUri}${separator}${search.toString()}`;
}

/**
 * The page the implicit grant answers with: a form that posts the token to redirect_uri in
 * hidden fields, as the guide's IdentityServer3 page does (lines 10689-10779).
 */
function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(
      ([k, v]) => `      <input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`,
    )
    .join("\n");
  return `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge" />
  <title>DSS emulator</title>
</head>
<body lang="en">
  <div class="page-header"><h1>Please wait...</h1></div>
  <form method="post" action="${escapeHtml(action)}">
${inputs}
  </form>
  <script>document.forms[0].submit();</script>
</body>
</html>
`;
}

/**
 * The confirmation service of the identity centre (guide, §6.3.3-6.3.5): challenges with a
 * one-time password, or pending until approved or declined (myDSS); callbacks; tokens bound to
 * the confirmed transaction.
 */
export class ConfirmationService {
  readonly #state: DssEmulatorState;
  readonly #options: StsOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #deliveries = new Set<Promise<void>>();

  constructor(state: DssEmulatorState, options: StsOptions) {
    this.#state = state;
    this.#options = options;
  }

  /** The first request: starts confirming a transaction (or a confirmation scope). */
  start(
    principal: Principal,
    init: {
      transactionId?: string;
      scope?: string;
      callbackUri?: string;
    },
  ): ConfirmReply {
    const state = this.#state;
    const now = state.nowMs();
    const user = principal.user;
    let tx: StoredTransaction | undefined;
    if (init.transactionId !== undefined) {
      tx = state.transactions.get(init.transactionId);
      if (!tx || tx.owner !== user.login) {
        return fail(400, "invalid_transaction", "No transaction with this id belongs to the user.");
      }
      if (tx.expiresAt <= now) {
        tx.state = "failed";
        return {
          status: 200,
          body: confirmationError("transaction_expired", "The transaction has expired.", {
            TransactionTokenId: tx.id,
          }),
        };
      }
      if (tx.state !== "open") {
        return fail(
          400,
          "invalid_transaction",
          "The transaction has already been confirmed, used or refused.",
        );
      }
    } else if (init.scope === undefined) {
      return fail(400, "invalid_transaction", "TransactionTokenId is not given.");
    }
    for (const c of state.confirmations.values()) {
      if (c.owner !== user.login || c.state !== "pending" || c.expiresAt <= now) continue;
      if (c.mode === "mydss") {
        return fail(400, "transaction_pending", "The user already has a pending confirmation.");
      }
      // A one-time password confirmation started again replaces the abandoned one.
      if (tx && c.transactionId === tx.id) state.confirmations.delete(c.refId);
    }
    const mode = user.confirmation;
    const confirmation: StoredConfirmation = {
      refId: crypto.randomUUID(),
      owner: user.login,
      ...(principal.actor ? { actor: principal.actor.login } : {}),
      clientId: principal.token.clientId,
      ...(tx ? { transactionId: tx.id } : {}),
      ...(init.scope !== undefined ? { scope: init.scope } : {}),
      ...(init.callbackUri !== undefined ? { callbackUri: init.callbackUri } : {}),
      mode,
      attempts: 0,
      state: "pending",
      title: TITLES[mode],
      label: tx ? describeTransaction(tx) : `Подтверждение операции: ${init.scope}`,
      expiresAt: tx ? tx.expiresAt : now + state.options.transactionLifetimeSeconds * 1000,
    };
    state.confirmations.set(confirmation.refId, confirmation);
    this.#options.log?.(
      `confirmation ${confirmation.refId} started for ${user.login} (${mode}${tx ? `, transaction ${tx.id}` : ""})`,
    );
    if (mode === "mydss" && this.#options.autoApproveMs !== undefined) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (confirmation.state === "pending") this.#finish(confirmation, "confirmed");
      }, this.#options.autoApproveMs);
      timer.unref();
      this.#timers.add(timer);
    }
    return { status: 200, body: this.#pendingAnswer(confirmation) };
  }

  /** A later request: answers the challenge with `value`, or asks for the state without one. */
  answer(principal: Principal, refId: string, value: string | undefined): ConfirmReply {
    const c = this.#state.confirmations.get(refId);
    if (!c || c.owner !== principal.user.login) {
      return fail(
        400,
        "invalid_transaction",
        "No confirmation with this RefId belongs to the user.",
      );
    }
    if (c.state === "pending" && c.expiresAt <= this.#state.nowMs()) {
      this.#finish(c, "failed", "transaction_expired", "The transaction has expired.");
    }
    if (c.state !== "pending") return { status: 200, body: this.#finalAnswer(c) };
    if (value === undefined) {
      // myDSS: still waiting for the phone; one-time password: the challenge again.
      return {
        status: 200,
        body: c.mode === "mydss" ? { IsFinal: false, IsError: false } : this.#pendingAnswer(c),
      };
    }
    const user = this.#state.users.get(c.owner);
    const expected = user?.otp ?? this.#state.options.otp;
    if (sameSecret(value, expected)) {
      this.#finish(c, "confirmed");
      return { status: 200, body: this.#finalAnswer(c) };
    }
    c.attempts++;
    const left = this.#state.options.maxOtpAttempts - c.attempts;
    if (left <= 0) {
      this.#finish(
        c,
        "failed",
        "max_attempts_exceeded",
        "Too many wrong one-time passwords; the transaction is refused.",
      );
      return { status: 200, body: this.#finalAnswer(c) };
    }
    return {
      status: 200,
      body: {
        ...this.#pendingAnswer(c),
        IsError: true,
        Error: ConfirmationErrors.AuthenticationFailed,
        ErrorDescription: `The one-time password is wrong; ${left} attempt(s) left.`,
      },
    };
  }

  /**
   * Approves a pending confirmation as the user's phone would (myDSS), or as a correct one-time
   * password would. `id` is the Signature Service transaction id or the confirmation's RefID.
   *
   * @throws Error when no pending confirmation has this id.
   */
  approve(id: string): void {
    this.#finish(this.#pending(id), "confirmed");
  }

  /** Declines a pending confirmation: the user refused it (`authentication_declined`). */
  decline(id: string): void {
    this.#finish(
      this.#pending(id),
      "failed",
      "authentication_declined",
      "The user declined the operation.",
    );
  }

  /** Stops the auto-approval timers and waits for callbacks under way. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#deliveries]);
  }

  #pending(id: string): StoredConfirmation {
    for (const c of this.#state.confirmations.values()) {
      if (c.state === "pending" && (c.refId === id || c.transactionId === id)) return c;
    }
    throw new Error(`no pending confirmation for ${id}`);
  }

  #challenge(c: StoredConfirmation): InteractiveChallenge {
    return {
      Title: { Value: c.title },
      TextChallenge: [
        {
          AuthnMethod: AUTHN_METHOD[c.mode],
          RefID: c.refId,
          Label: c.label,
          MaxLenSpecified: false,
          HideTextSpecified: false,
        },
      ],
      ContextData: { RefID: c.refId },
    };
  }

  #pendingAnswer(c: StoredConfirmation): ConfirmationResponse {
    return {
      ...(c.transactionId ? { TransactionTokenId: c.transactionId } : {}),
      Challenge: this.#challenge(c),
      IsFinal: false,
      IsError: false,
    };
  }

  #finalAnswer(c: StoredConfirmation): ConfirmationResponse {
    const extra = c.transactionId ? { TransactionTokenId: c.transactionId } : {};
    if (c.state === "confirmed") {
      return { ...extra, AccessToken: c.accessToken!, IsFinal: true, IsError: false };
    }
    return confirmationError(
      c.error ?? "internal_error",
      c.errorDescription ?? "The confirmation failed.",
      extra,
    );
  }

  #finish(
    c: StoredConfirmation,
    outcome: "confirmed" | "failed",
    error?: ConfirmationErrorCode,
    description?: string,
  ): void {
    const tx = c.transactionId ? this.#state.transactions.get(c.transactionId) : undefined;
    if (outcome === "confirmed") {
      const token = this.#state.issueToken({
        subject: c.owner,
        ...(c.actor ? { actor: c.actor } : {}),
        clientId: c.clientId,
        scope: c.scope ? `dss ${c.scope}` : "dss",
        ...(tx ? { transactionId: tx.id } : {}),
      });
      c.accessToken = token.value;
      c.state = "confirmed";
      if (tx) tx.state = "confirmed";
    } else {
      c.state = "failed";
      if (error) c.error = error;
      if (description) c.errorDescription = description;
      if (tx && tx.state === "open") tx.state = "failed";
    }
    this.#options.log?.(
      `confirmation ${c.refId} ${outcome}${error ? ` (${error})` : ""} for ${c.owner}`,
    );
    if (c.callbackUri) {
      this.#notify(c.callbackUri, {
        Result: outcome === "confirmed" ? "success" : "failed",
        TransactionId: c.transactionId ?? c.refId,
        Error: outcome === "confirmed" ? "" : (error ?? ""),
      });
    }
  }

  /** POSTs a TransactionCallback (guide, lines 11235-11256); failures are only logged. */
  #notify(uri: string, callback: TransactionCallback): void {
    const doFetch = this.#options.fetch ?? globalThis.fetch;
    const delivery = (async () => {
      try {
        const res = await doFetch(uri, {
          method: "POST",
          headers: { "content-type": "application/json; charset=utf-8" },
          body: JSON.stringify(callback),
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        this.#options.log?.(`callback for ${callback.TransactionId}: HTTP ${res.status}`);
      } catch (e) {
        this.#options.log?.(
          `callback for ${callback.TransactionId} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    })();
    this.#deliveries.add(delivery);
    void delivery.finally(() => this.#deliveries.delete(delivery));
  }
}

function fail(
  status: 400 | 401 | 500,
  error: ConfirmationErrorCode,
  description: string,
): ConfirmReply {
  return { status, body: confirmationError(error, description) };
}

/** The challenge's Label: what is confirmed, as in the guide's example (lines 14574-14578). */
function describeTransaction(tx: StoredTransaction): string {
  const p = tx.parameters;
  const parts = [ACTION_DISPLAY_NAMES[tx.action]];
  if (p.DocumentInfo) parts.push(p.DocumentInfo);
  if (p.SignatureType) parts.push(`Тип подписи: ${p.SignatureType}`);
  if (p.CertificateID) parts.push(`Сертификат: ${p.CertificateID}`);
  return `${parts.join(". ")}.`;
}

/** Validates a confirmation's CallbackUri: an absolute http(s) URL. */
function callbackUriOf(value: string | undefined): string | undefined | false {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : false;
  } catch {
    return false;
  }
}

/** Authenticates the OAuth client of a token request: HTTP Basic, or client_id for a public client. */
function authenticateClient(
  state: DssEmulatorState,
  request: RawRequest,
  formClientId: string | undefined,
): DssClient | TokenError {
  const header = request.headers.authorization;
  if (header !== undefined && header !== "") {
    const basic = parseBasicAuth(header);
    if (!basic) return tokenError(401, "invalid_client", "The Authorization header is not Basic.");
    let id = basic.username;
    try {
      id = decodeURIComponent(basic.username);
    } catch {
      // Not form-encoded (RFC 6749 §2.3.1): used as it is.
    }
    const client = state.clients.get(id);
    // A public client sends "client_id:" (guide, lines 12671-12681); its password is not checked.
    if (!client || (client.secret !== undefined && !sameSecret(basic.password, client.secret))) {
      return tokenError(401, "invalid_client", "The client is unknown or its secret is wrong.");
    }
    if (formClientId !== undefined && formClientId !== client.id) {
      return tokenError(401, "invalid_client", "client_id differs from the Basic credentials.");
    }
    return client;
  }
  if (formClientId === undefined) {
    return tokenError(401, "invalid_client", "Name the client with HTTP Basic or client_id.");
  }
  const client = state.clients.get(formClientId);
  if (!client) return tokenError(401, "invalid_client", "The client is unknown.");
  if (client.secret !== undefined) {
    return tokenError(
      401,
      "invalid_client",
      "A confidential client authenticates with HTTP Basic (client_id:secret).",
    );
  }
  return client;
}

/**
 * The user behind the Basic credentials of an authorize request (the emulator's login page):
 * undefined without credentials or with refused ones, `locked` for the right password of a
 * locked account.
 */
function authorizeUser(
  state: DssEmulatorState,
  request: RawRequest,
): DssUser | "locked" | undefined {
  const basic = parseBasicAuth(request.headers.authorization);
  if (!basic) return undefined;
  const user = state.checkPassword(basic.username, basic.password);
  if (user) return user;
  const known = state.users.get(basic.username);
  return known?.locked && sameSecret(basic.password, known.password) ? "locked" : undefined;
}

/**
 * Where an authorize request's errors go once its client and redirect_uri are trusted: the
 * redirect_uri, with the request's state; `formPost` for the implicit grant, whose token travels
 * in a form-post page (and so do its errors).
 */
interface AuthorizeTarget {
  redirectUri: string;
  state: string | undefined;
  formPost: boolean;
}

/**
 * The client of an authorize request and its redirect_uri, or the error to answer with 400 when
 * either cannot be trusted, so that nothing may be sent to the redirect_uri (RFC 6749 §4.1.2.1,
 * §4.2.2.1): client_id or redirect_uri missing, redirect_uri not an absolute URI without a
 * fragment (§3.1.2) or not registered for the client, or no client with that id.
 */
function trustedClient(
  state: DssEmulatorState,
  clientId: string | undefined,
  redirectUri: string | undefined,
): { client: DssClient; redirectUri: string } | { error: string; description: string } {
  if (!clientId) return { error: "invalid_request", description: "client_id is missing." };
  const client = state.clients.get(clientId);
  if (!client) return { error: "invalid_client", description: "No client has this client_id." };
  if (!redirectUri) return { error: "invalid_request", description: "redirect_uri is missing." };
  if (!URL.canParse(redirectUri) || redirectUri.includes("#")) {
    return {
      error: "invalid_request",
      description: "redirect_uri is not an absolute URI without a fragment.",
    };
  }
  if (client.redirectUris && !client.redirectUris.includes(redirectUri)) {
    return {
      error: "invalid_request",
      description: "redirect_uri is not registered for the client.",
    };
  }
  return { client, redirectUri };
}

/** 400 with an OAuth error body: the authorize request names no client or redirect_uri to trust. */
function authorizeRefusal(error: string, description: string): AuthorizeReply {
  return {
    status: 400,
    headers: { "cache-control": "no-store" },
    body: oauthError(error, description),
  };
}

/** The page that posts `fields` to the redirect_uri (the implicit grant's answer). */
function formPostReply(action: string, fields: Record<string, string | undefined>): AuthorizeReply {
  const defined: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) defined[k] = v;
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    body: formPostPage(action, defined),
  };
}

/**
 * An error sent back to the client (RFC 6749 §4.1.2.1, §4.2.2.1): error, error_description and
 * state in the redirect_uri's query (code grant), or posted to it by a page (implicit grant).
 */
function authorizeErrorAnswer(
  target: AuthorizeTarget,
  error: string,
  description: string,
): AuthorizeReply {
  const fields = { error, error_description: description, state: target.state };
  if (target.formPost) return formPostReply(target.redirectUri, fields);
  return {
    status: 302,
    headers: { location: redirectTo(target.redirectUri, fields), "cache-control": "no-cache" },
  };
}

const AUTHORIZE_PATHS: Readonly<Record<string, OperationDescriptor>> = {
  "/oauth/authorize": authorizeOperation,
  "/oauth/authorize/certificate": authorizeWithCertificateOperation,
};

const responseEncoder = new TextEncoder();

/**
 * The error of an authorize query that breaks the contract, checked before the router would
 * answer it with a 400 that no browser passes on to the client. As RFC 6749 §4.1.2.1 and §4.2.2.1
 * ask: a missing, repeated or unknown client_id, or a missing, repeated, malformed or unregistered
 * redirect_uri, is answered with 400 and an OAuth error body; any other parameter that is missing,
 * repeated (§3.1) or malformed goes back to the redirect_uri with unsupported_response_type for a
 * response_type the server does not know, invalid_scope for a missing scope (§3.3), else
 * invalid_request. Undefined when the query conforms.
 */
function authorizeQueryError(
  state: DssEmulatorState,
  op: OperationDescriptor,
  search: URLSearchParams,
): AuthorizeReply | undefined {
  const repeated = new Set([...search.keys()].filter((k) => search.getAll(k).length > 1));
  const validator = validatorFor(schemas);
  /** What is wrong with a parameter against the contract, e.g. "is missing"; else undefined. */
  const problem = (name: string): string | undefined => {
    if (repeated.has(name)) return "is repeated";
    const param = op.params.find((p) => p.name === name);
    const text = search.get(name);
    if (text === null) return param?.required ? "is missing" : undefined;
    if (!param?.schema) return undefined;
    const issue = validator.validate(param.schema, coerceScalar(text, param.kind))[0];
    return issue ? `is not valid: ${issue.message}` : undefined;
  };

  if (repeated.has("client_id"))
    return authorizeRefusal("invalid_request", "client_id is repeated.");
  const trusted = trustedClient(
    state,
    search.get("client_id") ?? undefined,
    search.get("redirect_uri") ?? undefined,
  );
  if ("error" in trusted) return authorizeRefusal(trusted.error, trusted.description);
  const redirectProblem = problem("redirect_uri");
  if (redirectProblem) {
    return authorizeRefusal("invalid_request", `redirect_uri ${redirectProblem}.`);
  }

  const target: AuthorizeTarget = {
    redirectUri: trusted.redirectUri,
    state: search.get("state") ?? undefined,
    formPost: search.get("response_type") === "token" && !repeated.has("response_type"),
  };
  const known = op.params.map((p) => p.name);
  for (const name of [...known, ...[...repeated].filter((k) => !known.includes(k))]) {
    const why = problem(name);
    if (!why) continue;
    const error =
      name === "response_type" && why.startsWith("is not valid")
        ? "unsupported_response_type"
        : name === "scope" && why === "is missing"
          ? "invalid_scope"
          : "invalid_request";
    return authorizeErrorAnswer(target, error, `${name} ${why}.`);
  }
  return undefined;
}

/**
 * Answers an authorize request (GET, or HEAD without the body) whose query breaks the contract,
 * as {@link authorizeQueryError} decides; undefined for any other request, which the router and
 * the handler take from there. `request.url` is relative to the identity centre.
 */
export function screenAuthorizeRequest(
  state: DssEmulatorState,
  request: RawRequest,
): RawResponse | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const q = request.url.indexOf("?");
  const path = (q < 0 ? request.url : request.url.slice(0, q)).replace(/(.)\/$/, "$1");
  const op = AUTHORIZE_PATHS[path];
  if (!op) return undefined;
  const answer = authorizeQueryError(
    state,
    op,
    new URLSearchParams(q < 0 ? "" : request.url.slice(q + 1)),
  );
  if (!answer) return undefined;
  const headers: Record<string, string> = { ...answer.headers };
  let text = "";
  if (typeof answer.body === "string") {
    text = answer.body;
  } else if (answer.body !== undefined) {
    headers["content-type"] = "application/json;charset=utf-8";
    text = JSON.stringify(answer.body);
  }
  return {
    status: answer.status,
    headers,
    body: request.method === "HEAD" ? new Uint8Array(0) : responseEncoder.encode(text),
  };
}

/**
 * The identity centre's handlers: the token endpoint (password, authorization code and token
 * exchange grants), the authorization endpoints and the confirmation service.
 */
export function createStsHandlers(
  state: DssEmulatorState,
  confirmations: ConfirmationService,
): DssStsHandlers {
  /**
   * Both authorize endpoints. Errors, in this order (RFC 6749 §4.1.2.1, §4.2.2.1): a client or
   * redirect_uri that cannot be trusted, 400; a request the client may not make or a scope
   * without dss, back to the redirect_uri; no (or refused) credentials, 401 with a Basic
   * challenge; a locked account (access_denied) or a transaction that cannot be confirmed, back
   * to the redirect_uri. Requests that break the contract never get here (screenAuthorizeRequest).
   */
  function authorizeFlow(ctx: AuthorizeContext): AuthorizeReply {
    const q = ctx.query;
    const trusted = trustedClient(state, q.client_id, q.redirect_uri);
    if ("error" in trusted) return authorizeRefusal(trusted.error, trusted.description);
    const { client } = trusted;
    const implicit = q.response_type === "token";
    const target: AuthorizeTarget = {
      redirectUri: q.redirect_uri,
      state: q.state,
      formPost: implicit,
    };
    if (client.responseTypes && !client.responseTypes.includes(q.response_type)) {
      return authorizeErrorAnswer(
        target,
        "unauthorized_client",
        `The client may not use response_type=${q.response_type}.`,
      );
    }
    const scope = q.scope.trim().replace(/\s+/g, " ");
    if (!scope.split(" ").includes("dss")) {
      return authorizeErrorAnswer(target, "invalid_scope", 'The scope must contain "dss".');
    }
    const user = authorizeUser(state, ctx.request);
    if (user === undefined) {
      return {
        status: 401,
        headers: { "www-authenticate": BASIC_REALM, "cache-control": "no-store" },
        body: oauthError(
          "login_required",
          "Sign in: send the user's login and password with HTTP Basic.",
        ),
      };
    }
    if (user === "locked") {
      return authorizeErrorAnswer(target, "access_denied", "The account is locked.");
    }
    let tx: StoredTransaction | undefined;
    if (q.dss_transaction_token_id !== undefined) {
      tx = state.transactions.get(q.dss_transaction_token_id);
      if (!tx || tx.owner !== user.login || tx.state !== "open") {
        return authorizeErrorAnswer(
          target,
          ConfirmationErrors.InvalidTransaction,
          "No open transaction with this id belongs to the user.",
        );
      }
      if (tx.expiresAt <= state.nowMs()) {
        tx.state = "failed";
        return authorizeErrorAnswer(
          target,
          ConfirmationErrors.TransactionExpired,
          "The transaction has expired.",
        );
      }
      // The user signed in on the emulator's "page": that is the confirmation.
      tx.state = "confirmed";
    }
    if (implicit) {
      const token = state.issueToken({
        subject: user.login,
        clientId: client.id,
        scope,
        ...(tx ? { transactionId: tx.id } : {}),
      });
      const answer = tokenResponse(token, state.nowMs());
      return formPostReply(q.redirect_uri, {
        access_token: answer.access_token,
        token_type: "Bearer",
        expires_in: String(answer.expires_in),
        scope,
        state: q.state,
      });
    }
    const code = randomToken(16);
    state.codes.set(code, {
      code,
      clientId: client.id,
      redirectUri: q.redirect_uri,
      subject: user.login,
      scope,
      expiresAt: state.nowMs() + state.options.codeLifetimeSeconds * 1000,
      ...(tx ? { transactionId: tx.id } : {}),
      ...(q.code_challenge !== undefined ? { codeChallenge: q.code_challenge } : {}),
    });
    return {
      status: 302,
      headers: {
        location: redirectTo(q.redirect_uri, { code, state: q.state }),
        "cache-control": "no-cache",
      },
    };
  }

  function passwordGrant(body: TokenRequestPassword, client: DssClient): TokenReply {
    const scope = scopeOf(body.scope);
    if (typeof scope !== "string") return scope;
    const user = state.checkPassword(body.username, body.password);
    if (!user) return tokenError(400, "invalid_grant", "The user name or password is incorrect.");
    const token = state.issueToken({ subject: user.login, clientId: client.id, scope });
    return { status: 200, body: tokenResponse(token, state.nowMs()) };
  }

  function codeGrant(body: TokenRequestAuthorizationCode, client: DssClient): TokenReply {
    const code = state.codes.get(body.code);
    if (!code || code.expiresAt <= state.nowMs()) {
      if (code) state.codes.delete(code.code);
      return tokenError(400, "invalid_grant", "The authorization code is invalid or has expired.");
    }
    if (code.clientId !== client.id) {
      return tokenError(
        400,
        "invalid_grant",
        "The authorization code was issued to another client.",
      );
    }
    if (code.redirectUri !== body.redirect_uri) {
      return tokenError(
        400,
        "invalid_grant",
        "redirect_uri differs from the authorization request.",
      );
    }
    if (code.codeChallenge !== undefined) {
      const verifier = body.code_verifier;
      const derived =
        verifier === undefined
          ? undefined
          : createHash("sha256").update(verifier, "ascii").digest("base64url");
      if (derived === undefined || !sameSecret(derived, code.codeChallenge)) {
        return tokenError(400, "invalid_grant", "The PKCE code_verifier does not match.");
      }
    }
    state.codes.delete(code.code);
    const token = state.issueToken({
      subject: code.subject,
      clientId: client.id,
      scope: code.scope,
      ...(code.transactionId ? { transactionId: code.transactionId } : {}),
    });
    return { status: 200, body: tokenResponse(token, state.nowMs()) };
  }

  function exchangeGrant(body: TokenRequestTokenExchange, client: DssClient): TokenReply {
    const scope = scopeOf(body.scope);
    if (typeof scope !== "string") return scope;
    const actor = state.authenticate(`Bearer ${body.actor_token}`);
    if (typeof actor === "string") {
      return tokenError(400, "invalid_grant", "The actor_token is not a valid access token.");
    }
    if (actor.user.role !== "operator") {
      return tokenError(400, "invalid_grant", "Only an operator may act for another user.");
    }
    const subject = readSubjectToken(body.subject_token, state.nowMs());
    if ("error" in subject) return tokenError(400, "invalid_grant", subject.error);
    const subjectUser = state.users.get(subject.login);
    if (!subjectUser) {
      return tokenError(400, "invalid_grant", "The subject_token names no user of this server.");
    }
    if (subjectUser.locked) {
      return tokenError(400, "invalid_grant", "The subject_token names a locked account.");
    }
    const token = state.issueToken({
      subject: subject.login,
      actor: actor.user.login,
      clientId: client.id,
      scope,
    });
    return { status: 200, body: tokenResponse(token, state.nowMs()) };
  }

  return {
    token(ctx: TokenContext): TokenReply {
      const body = ctx.body;
      const client = authenticateClient(state, ctx.request, body.client_id);
      if ("status" in client) return client;
      switch (body.grant_type) {
        case "password":
          return passwordGrant(body, client);
        case "authorization_code":
          return codeGrant(body, client);
        case "urn:ietf:params:oauth:grant-type:token-exchange":
          return exchangeGrant(body, client);
        default:
          return tokenError(400, "unsupported_grant_type", "The grant type is not supported.");
      }
    },

    authorize: authorizeFlow,

    /**
     * Mutual TLS cannot be emulated over plain HTTP: the user (typically an operator) is
     * authenticated with HTTP Basic instead of a client certificate.
     */
    authorizeWithCertificate: (ctx) => authorizeFlow(ctx as AuthorizeContext),

    confirm(ctx: ConfirmContext): ConfirmReply {
      const principal = state.authenticate(ctx.request.headers.authorization);
      if (typeof principal === "string") {
        return {
          status: 401,
          headers: { "www-authenticate": "Bearer" },
          body: confirmationError(
            "authentication_failed",
            principal === "expired"
              ? "The access token has expired."
              : "A valid access token is required.",
          ),
        };
      }
      const body = ctx.body;
      const answer = body.ChallengeResponse?.TextChallengeResponse?.[0];
      if (answer) return confirmations.answer(principal, answer.RefId, answer.Value);
      const callbackUri = callbackUriOf(body.CallbackUri);
      if (callbackUri === false) {
        return fail(400, "invalid_transaction", "CallbackUri is not an http(s) URL.");
      }
      return confirmations.start(principal, {
        ...(body.TransactionTokenId !== undefined
          ? { transactionId: body.TransactionTokenId }
          : {}),
        ...(body.ConfirmationScope !== undefined ? { scope: body.ConfirmationScope } : {}),
        ...(callbackUri !== undefined ? { callbackUri } : {}),
      });
    },
  };
}
