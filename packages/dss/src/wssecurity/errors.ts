import { TrustspecError } from "@trustspec/runtime/core";
import { SoapFault, type XmlName } from "@trustspec/runtime/soap";
import { WSSC_NS, WSSE_NS } from "./constants.js";

/** Why a message's security was refused. */
export type WsSecurityErrorCode =
  /** No `wsse:Security` header, or one without the parts the binding needs, or a malformed one. */
  | "invalid_security"
  /** A signature, digest or canonicalisation algorithm the binding does not allow. */
  | "unsupported_algorithm"
  /** The assertion is malformed, or its signature does not verify with the issuer's key. */
  | "invalid_token"
  /** The assertion names another issuer than the trusted one. */
  | "untrusted_issuer"
  /** The assertion is for another audience than this service. */
  | "wrong_audience"
  /** The assertion's `NotOnOrAfter` has passed. */
  | "token_expired"
  /** The assertion's `NotBefore` has not come. */
  | "token_not_yet_valid"
  /** No proof key is known for the assertion the message refers to. */
  | "unknown_token"
  /** The endorsing signature does not verify with the proof key (wrong key, or content changed). */
  | "proof_signature_invalid"
  /** The timestamp has expired, or was created further in the future than the skew allows. */
  | "message_expired"
  /** A timestamp and signature seen before (a replayed message). */
  | "replay"
  /**
   * The secure session the message names is unknown, expired or cancelled
   * (WS-SecureConversation 1.3, §8: `wsc:BadContextToken`); the client establishes a new one.
   */
  | "bad_context_token";

/**
 * The WS-Security 1.1 fault code (OASIS WS-Security: SOAP Message Security 1.1, §12 "Error Handling") each error
 * maps to (and WS-SecureConversation 1.3's `wsc:BadContextToken`, §8). Every one of them is a
 * sender fault. `MessageExpired` is also written
 * `wsu:MessageExpired` in texts on the specification; like Apache WSS4J, we put it in the `wsse`
 * namespace with the others.
 */
const FAULTS: Record<WsSecurityErrorCode, string> = {
  invalid_security: "InvalidSecurity",
  unsupported_algorithm: "UnsupportedAlgorithm",
  invalid_token: "InvalidSecurityToken",
  untrusted_issuer: "FailedAuthentication",
  wrong_audience: "FailedAuthentication",
  token_expired: "InvalidSecurityToken",
  token_not_yet_valid: "InvalidSecurityToken",
  unknown_token: "SecurityTokenUnavailable",
  proof_signature_invalid: "FailedCheck",
  message_expired: "MessageExpired",
  replay: "InvalidSecurity",
  bad_context_token: "BadContextToken",
};

/**
 * A message whose WS-Security was refused. The message says what failed without quoting any key,
 * signature value or token content; {@link toSoapFault} turns it into the `wsse:` fault a SOAP
 * server answers with.
 */
export class WsSecurityError extends TrustspecError {
  declare readonly code: WsSecurityErrorCode;
  /** The WS-Security fault code, e.g. `{wsse}FailedAuthentication`. */
  readonly fault: XmlName;
  constructor(code: WsSecurityErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "WsSecurityError";
    this.fault = { ns: code === "bad_context_token" ? WSSC_NS : WSSE_NS, local: FAULTS[code] };
  }

  /** The SOAP fault (code `Client`/`Sender`, the `wsse:` subcode) a server answers with. */
  toSoapFault(): SoapFault {
    return new SoapFault("Client", this.message, { subcode: this.fault });
  }
}
