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
} from "../../generated/sts/operations.gen.js";
import { schemas } from "../../generated/sts/schemas.gen.js";
import type {
  AuthorizeContext,
  AuthorizeReply,
  DssStsHandlers,
} from "../../generated/sts/server.gen.js";
import { ConfirmationErrorCode as ConfirmationErrors } from "../../generated/sts/types.gen.js";
import { oauthError } from "../errors.js";
import {
  type DssClient,
  type DssEmulatorState,
  type DssUser,
  randomToken,
  type StoredTransaction,
  sameSecret,
} from "../state.js";
import { formPostPage, redirectTo } from "./html.js";
import { BASIC_REALM, tokenResponse } from "./token.js";

/**
 * The authorization endpoints: the code and implicit grants, the user signing in with HTTP Basic
 * on the request itself (the emulator's login page), which also confirms a transaction.
 */
export function authorizeHandlers(
  state: DssEmulatorState,
): Pick<DssStsHandlers, "authorize" | "authorizeWithCertificate"> {
  return {
    authorize: (ctx) => authorizeFlow(state, ctx),

    /**
     * Mutual TLS cannot be emulated over plain HTTP: the user (typically an operator) is
     * authenticated with HTTP Basic instead of a client certificate.
     */
    authorizeWithCertificate: (ctx) => authorizeFlow(state, ctx as AuthorizeContext),
  };
}

/**
 * Both authorize endpoints. Errors, in this order (RFC 6749 §4.1.2.1, §4.2.2.1): a client or
 * redirect_uri that cannot be trusted, 400; a request the client may not make or a scope
 * without dss, back to the redirect_uri; no (or refused) credentials, 401 with a Basic
 * challenge; a locked account (access_denied) or a transaction that cannot be confirmed, back
 * to the redirect_uri. Requests that break the contract never get here (screenAuthorizeRequest).
 */
function authorizeFlow(state: DssEmulatorState, ctx: AuthorizeContext): AuthorizeReply {
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
  return grantAnswer(state, ctx.query, client, user, scope, tx);
}

/**
 * The grant a signed-in user's authorize request ends with: the implicit grant's token, posted to
 * the redirect_uri by a page, or an authorization code in the redirect_uri's query.
 */
function grantAnswer(
  state: DssEmulatorState,
  q: AuthorizeContext["query"],
  client: DssClient,
  user: DssUser,
  scope: string,
  tx: StoredTransaction | undefined,
): AuthorizeReply {
  if (q.response_type === "token") {
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
