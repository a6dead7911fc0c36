import { TrustspecError } from "@trustspec/runtime/core";
import type { OAuthErrorCode } from "../generated/sts/types.gen.js";
import { scrub } from "./internal.js";

/**
 * An OAuth 2.0 error code: one of the token endpoint's documented codes (RFC 6749 §5.2 and
 * token exchange's `invalid_target`), or another string the server sent, e.g. `access_denied`
 * from an authorization redirect (RFC 6749 §4.1.2.1).
 */
export type OAuthErrorCodeOrString = OAuthErrorCode | (string & {});

/**
 * The identity centre refused an OAuth request: the token endpoint answered with
 * `{error, error_description}` (RFC 6749 §5.2), or the authorization redirect carried `error`.
 *
 * The message, the fields and the JSON form never carry the request's secrets (password, client
 * secret, authorization code, tokens): the description is scrubbed of them before it is stored.
 *
 * (The body of such an answer is typed by the generated `OAuthError` type; this class is named
 * apart from it so that both can be exported from the package root.)
 */
export class OAuthRequestError extends TrustspecError {
  /** The OAuth error code, e.g. `invalid_grant`. */
  readonly error: OAuthErrorCodeOrString;
  /** The server's `error_description`, with secrets removed; `undefined` when it sent none. */
  readonly errorDescription: string | undefined;
  /** The HTTP status of the token endpoint's answer; `undefined` for an error from a redirect. */
  readonly status: number | undefined;
  /** Where the error came from: `token` (the token endpoint) or `authorize` (a redirect). */
  readonly operationId: "token" | "authorize";

  /**
   * @param init.secrets values to remove from the description before it is kept (the request's
   *   password, client secret, code, tokens); they are not stored.
   */
  constructor(init: {
    error: string;
    errorDescription?: string | undefined;
    status?: number | undefined;
    operationId: "token" | "authorize";
    secrets?: readonly (string | undefined)[];
  }) {
    const error = scrub(init.error, init.secrets).slice(0, 100);
    const description =
      init.errorDescription === undefined
        ? undefined
        : scrub(init.errorDescription, init.secrets).slice(0, 500);
    const where =
      init.status === undefined ? init.operationId : `${init.operationId} (HTTP ${init.status})`;
    super("oauth_error", `${where}: ${error}${description ? `: ${description}` : ""}`);
    this.name = "OAuthRequestError";
    this.error = error;
    this.errorDescription = description;
    this.status = init.status;
    this.operationId = init.operationId;
  }

  /** A plain form for logs: the code, description, status and message, nothing else. */
  toJSON(): {
    name: string;
    code: string;
    error: string;
    errorDescription?: string;
    status?: number;
    message: string;
  } {
    return {
      name: this.name,
      code: this.code,
      error: this.error,
      ...(this.errorDescription === undefined ? {} : { errorDescription: this.errorDescription }),
      ...(this.status === undefined ? {} : { status: this.status }),
      message: this.message,
    };
  }
}

/** Why an authorization answer (redirect URI, form-post page) could not be used. */
export type AuthorizationResponseProblem =
  /** Neither the query nor the fragment of the redirect URI carries `code`. */
  | "missing_code"
  /** The form-post page or fragment has no `access_token`. */
  | "missing_access_token"
  /** `expires_in` is absent or not a non-negative whole number. */
  | "invalid_expires_in"
  /** The page carries no form-post fields at all (not an authorization answer). */
  | "not_a_form_post"
  /** `state` differs from the one the request sent: the answer belongs to another request. */
  | "state_mismatch";

/**
 * An authorization answer (the redirect URI with the code, or the implicit grant's form-post
 * page) lacks what the flow needs. Nothing of the answer's values is put in the message.
 */
export class AuthorizationResponseError extends TrustspecError {
  /** What is wrong, machine-readable. */
  readonly problem: AuthorizationResponseProblem;

  constructor(problem: AuthorizationResponseProblem, message: string) {
    super("authorization_response_invalid", message);
    this.name = "AuthorizationResponseError";
    this.problem = problem;
  }

  /** A plain form for logs. */
  toJSON(): { name: string; code: string; problem: AuthorizationResponseProblem; message: string } {
    return { name: this.name, code: this.code, problem: this.problem, message: this.message };
  }
}

/** Whether a parsed answer body has the RFC 6749 §5.2 error shape. */
export function isOAuthErrorBody(
  body: unknown,
): body is { error: string; error_description?: unknown } {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { error?: unknown }).error === "string"
  );
}
