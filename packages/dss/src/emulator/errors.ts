import type { ErrorInfo, ErrorStatus } from "@trustspec/runtime/server";
import type { DssError } from "../generated/signserver/types.gen.js";
import {
  type ConfirmationErrorCode,
  ConfirmationErrorCode as ConfirmationErrors,
  type ConfirmationResponse,
  type OAuthError,
} from "../generated/sts/types.gen.js";

/**
 * The Signature Service's answer to a missing, unknown or expired bearer token, and to a token
 * that lacks what the operation needs (a role, a confirmed transaction): the one error body the
 * guide prints (§3.8, lines 4655-4666).
 */
export const AUTHORIZATION_DENIED = "Authorization has been denied for this request.";

/**
 * The v1 doc's text for an unknown certificate id (lines 497, 542, 843, 893). The first letter is
 * a Latin C in every occurrence; it is kept, since clients matching the vendor's text expect it.
 */
export const CERTIFICATE_NOT_FOUND_TEXT = "Cертификат с указанным ID не найден";

/** The v1 doc's text for an unknown certificate request id (lines 108, 203). */
export const REQUEST_NOT_FOUND_TEXT = "Запрос на сертификат с указанным ID не найден";

/** ASP.NET Web API's text for an unexpected failure, which the v1 doc lists for 500 (line 977). */
export const INTERNAL_ERROR_TEXT = "An error has occurred.";

/**
 * An error a handler of the emulator answers with. On the Signature Service it becomes
 * `{"Message": code}` (plus `MessageDetail` with `detail`, as ASP.NET Web API adds it), `code`
 * being a v1 error identifier (`invalid_parameters`, `duplicate_friendly_name`, …) or the vendor's
 * text; on the identity centre an OAuth error or a ConfirmationResponse. `detail` is for people:
 * it never carries a password, a token, a PIN or a one-time password.
 */
export class DssEmulatorError extends Error {
  readonly status: ErrorStatus;
  readonly code: string;
  readonly detail: string | undefined;
  constructor(status: ErrorStatus, code: string, detail?: string) {
    super(detail === undefined ? code : `${code}: ${detail}`);
    this.name = "DssEmulatorError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** The Signature Service's error body: `Message` with the identifier, `MessageDetail` with the text. */
export function dssErrorBody(code: string, detail?: string): DssError {
  const body: DssError & { MessageDetail?: string } = { Message: code };
  if (detail !== undefined && detail !== code) body.MessageDetail = detail;
  return body;
}

/** An error reply of a Signature Service handler, in the operation's reply type. */
export function dssErrorReply(e: DssEmulatorError): {
  status: ErrorStatus;
  body: DssError;
  headers?: Record<string, string>;
} {
  return {
    status: e.status,
    body: dssErrorBody(e.code, e.detail),
    ...(e.status === 401 ? { headers: { "www-authenticate": "Bearer" } } : {}),
  };
}

/**
 * Formats the errors the Signature Service's router answers by itself (bad JSON, a body that
 * breaks the contract, unknown paths, refused tokens, failures) in the API's own format
 * (guide, §3.8): a body that breaks the contract is `invalid_parameters` (v1 doc, line 896).
 */
export function formatSignServerError(info: ErrorInfo): DssError {
  // The contract caps a friendly name at 255 characters; the v1 doc names that refusal (line 846).
  if (info.issues?.some((i) => i.path === "/body/FriendlyName" && /more than/.test(i.message))) {
    return dssErrorBody(
      "invalid_frinendly_name_length",
      "The friendly name is longer than 255 characters.",
    );
  }
  switch (info.status) {
    case 400:
      return dssErrorBody(
        "invalid_parameters",
        info.exception === "EJSONException" ? "The request body is not valid JSON." : info.message,
      );
    case 401:
      return dssErrorBody(AUTHORIZATION_DENIED, info.message);
    case 404:
      // ASP.NET Web API's text; the router's own names the path without the service's prefix.
      return info.exception === "EHTTPNotFound"
        ? dssErrorBody("No HTTP resource was found that matches the request URI.")
        : dssErrorBody(info.message);
    case 500:
      return dssErrorBody(INTERNAL_ERROR_TEXT);
    default:
      return dssErrorBody(info.message);
  }
}

/** An OAuth 2.0 error body (RFC 6749 §5.2). */
export function oauthError(error: string, description?: string): OAuthError {
  return description === undefined ? { error } : { error, error_description: description };
}

/**
 * RFC 6749 identifiers for the errors the identity centre's router answers: a handler's own
 * (thrown with the identifier as the exception, e.g. `unauthorized_client`), else by status.
 */
function oauthCodeFor(info: ErrorInfo): string {
  if (/^[a-z_]+$/.test(info.exception)) return info.exception;
  if (info.status === 400) return "invalid_request";
  if (info.status === 401) return "invalid_client";
  if (info.status === 404) return "not_found";
  if (info.status === 405) return "method_not_allowed";
  if (info.status === 413) return "invalid_request";
  return "server_error";
}

/** A final ConfirmationResponse with an error of Table 102 (guide, lines 11266-11303). */
export function confirmationError(
  error: ConfirmationErrorCode,
  description: string,
  extra: Partial<ConfirmationResponse> = {},
): ConfirmationResponse {
  return { ...extra, IsFinal: true, IsError: true, Error: error, ErrorDescription: description };
}

/**
 * Formats the errors the identity centre's router answers by itself: a ConfirmationResponse for
 * the confirmation service (a request that breaks the contract names no valid transaction:
 * `invalid_transaction`; a refused token: `authentication_failed`), an OAuth error body elsewhere.
 */
export function formatStsError(info: ErrorInfo): ConfirmationResponse | OAuthError {
  if (info.operationId === "confirm") {
    const code =
      info.status === 401
        ? ConfirmationErrors.AuthenticationFailed
        : info.status >= 500
          ? ConfirmationErrors.InternalError
          : ConfirmationErrors.InvalidTransaction;
    return confirmationError(code, info.status >= 500 ? INTERNAL_ERROR_TEXT : info.message);
  }
  const description =
    info.status >= 500
      ? INTERNAL_ERROR_TEXT
      : info.exception === "EHTTPNotFound"
        ? "The identity centre has no such endpoint."
        : info.message;
  return oauthError(oauthCodeFor(info), description);
}
