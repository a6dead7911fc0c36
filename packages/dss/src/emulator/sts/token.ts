import { createHash } from "node:crypto";
import { parseBasicAuth } from "@trustspec/runtime/core";
import type { RawRequest } from "@trustspec/runtime/server";
import type { DssStsHandlers, TokenContext, TokenReply } from "../../generated/sts/server.gen.js";
import type {
  TokenRequestAuthorizationCode,
  TokenRequestPassword,
  TokenRequestTokenExchange,
  TokenResponse,
} from "../../generated/sts/types.gen.js";
import { oauthError } from "../errors.js";
import {
  type AccessTokenRecord,
  type DssClient,
  type DssEmulatorState,
  sameSecret,
} from "../state.js";

/** The realm the emulator names in its Basic challenges. */
export const BASIC_REALM = 'Basic realm="DSS emulator"';

/**
 * The token endpoint: the password, authorization code and token exchange grants, for a client
 * that authenticates with HTTP Basic or (a public client) names itself with client_id.
 */
export function tokenHandlers(state: DssEmulatorState): Pick<DssStsHandlers, "token"> {
  return {
    token(ctx: TokenContext): TokenReply {
      const body = ctx.body;
      const client = authenticateClient(state, ctx.request, body.client_id);
      if ("status" in client) return client;
      switch (body.grant_type) {
        case "password":
          return passwordGrant(state, body, client);
        case "authorization_code":
          return codeGrant(state, body, client);
        case "urn:ietf:params:oauth:grant-type:token-exchange":
          return exchangeGrant(state, body, client);
        default:
          return tokenError(400, "unsupported_grant_type", "The grant type is not supported.");
      }
    },
  };
}

type TokenError = Extract<TokenReply, { status: 400 | 401 }>;

/** An OAuth error answer of the token endpoint; 401 carries the Basic challenge. */
function tokenError(status: 400 | 401, error: string, description: string): TokenError {
  return {
    status,
    body: oauthError(error, description),
    ...(status === 401 ? { headers: { "www-authenticate": BASIC_REALM } } : {}),
  } as TokenError;
}

/** The requested scope, normalised; an error when it lacks `dss`. */
function scopeOf(requested: string | undefined): string | TokenError {
  const scope = requested?.trim() ? requested.trim().replace(/\s+/g, " ") : "dss";
  if (!scope.split(" ").includes("dss")) {
    return tokenError(400, "invalid_scope", 'The scope must contain "dss" (guide, line 10842).');
  }
  return scope;
}

/** The token endpoint's answer for an issued token. */
export function tokenResponse(token: AccessTokenRecord, nowMs: number): TokenResponse {
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

/** Whether a value is a plain JSON object. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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

/** The password grant (guide, §6.3.1). */
function passwordGrant(
  state: DssEmulatorState,
  body: TokenRequestPassword,
  client: DssClient,
): TokenReply {
  const scope = scopeOf(body.scope);
  if (typeof scope !== "string") return scope;
  const user = state.checkPassword(body.username, body.password);
  if (!user) return tokenError(400, "invalid_grant", "The user name or password is incorrect.");
  const token = state.issueToken({ subject: user.login, clientId: client.id, scope });
  return { status: 200, body: tokenResponse(token, state.nowMs()) };
}

/** The authorization code grant, with PKCE when the code was asked for with a challenge. */
function codeGrant(
  state: DssEmulatorState,
  body: TokenRequestAuthorizationCode,
  client: DssClient,
): TokenReply {
  const code = state.codes.get(body.code);
  if (!code || code.expiresAt <= state.nowMs()) {
    if (code) state.codes.delete(code.code);
    return tokenError(400, "invalid_grant", "The authorization code is invalid or has expired.");
  }
  if (code.clientId !== client.id) {
    return tokenError(400, "invalid_grant", "The authorization code was issued to another client.");
  }
  if (code.redirectUri !== body.redirect_uri) {
    return tokenError(400, "invalid_grant", "redirect_uri differs from the authorization request.");
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

/** The token exchange grant: an operator acts for the user a subject JWT names. */
function exchangeGrant(
  state: DssEmulatorState,
  body: TokenRequestTokenExchange,
  client: DssClient,
): TokenReply {
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
