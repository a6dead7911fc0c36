import { HttpError } from "@trustspec/runtime/server";

/**
 * Why the emulator refused a request. It travels in the error body's ExceptionType (where the
 * real service puts the .NET exception type), so that a client can tell the causes apart.
 */
export type UmsErrorCode =
  | "Unauthorized"
  | "Forbidden"
  | "UserNotFound"
  | "IdentifierRequired"
  | "IdentifierTypeNotAllowed"
  | "InvalidIdentifier"
  | "DuplicateIdentifier"
  | "IdentifierInUse"
  | "GroupNotFound"
  | "GroupNotAllowed"
  | "DuplicateExternalLogin"
  | "AuthenticationDataMissing"
  | "AuthenticationDataInUse"
  | "AuthenticationDataExists"
  | "TokenAssigned"
  | "InvalidOtp"
  | "InvalidIccId"
  | "CryptoProviderNotFound"
  | "PinTooShort"
  | "InvalidLevel"
  | "InvalidDistinguishedName"
  | "InvalidRange"
  | "InvalidFilter"
  | "InvalidProperty"
  | "InvalidThumbprint";

/** The status each refusal is answered with. */
const STATUS: Record<UmsErrorCode, number> = {
  Unauthorized: 401,
  Forbidden: 403,
  UserNotFound: 404,
  IdentifierRequired: 400,
  IdentifierTypeNotAllowed: 400,
  InvalidIdentifier: 400,
  DuplicateIdentifier: 400,
  IdentifierInUse: 400,
  GroupNotFound: 400,
  GroupNotAllowed: 403,
  DuplicateExternalLogin: 400,
  AuthenticationDataMissing: 400,
  AuthenticationDataInUse: 400,
  AuthenticationDataExists: 400,
  TokenAssigned: 400,
  InvalidOtp: 400,
  InvalidIccId: 400,
  CryptoProviderNotFound: 400,
  PinTooShort: 400,
  InvalidLevel: 400,
  InvalidDistinguishedName: 400,
  InvalidRange: 400,
  InvalidFilter: 400,
  InvalidProperty: 400,
  InvalidThumbprint: 400,
};

/** A refusal in the service's error format: `{"Message": …, "ExceptionType": <code>}`. */
export class UmsEmulatorError extends HttpError {
  readonly code: UmsErrorCode;
  constructor(code: UmsErrorCode, message: string) {
    super(STATUS[code], message, code);
    this.name = "UmsEmulatorError";
    this.code = code;
  }
}

/** The text ASP.NET Web API answers a refused caller with (guide, line 4666). */
export const AUTHORIZATION_DENIED = "Authorization has been denied for this request.";
